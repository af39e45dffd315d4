#!/bin/sh
# The naive SQLite -> PostgreSQL cut-over, the one that LOSES WRITES: copy while the old app
# keeps taking writes, start the new app, switch nginx. Every write the old app acknowledges
# after the copy's snapshot stays behind in the old database.
#
#   minitwit-harness drill --target http://PROXY --during "sh examples/drill/cutover-naive.sh"
#
# Settings (environment): OLD_DB, NEW_DB (database URLs), START_NEW (command that starts
# the new app and returns once it answers), NGINX_CONF, NGINX_PID, OLD_UPSTREAM,
# NEW_UPSTREAM (the proxy_pass URLs), HARNESS (default: minitwit-harness).
set -eu
H=${HARNESS:-minitwit-harness}

$H db copy --from "$OLD_DB" --to "$NEW_DB"
sh -c "$START_NEW"
sed -i "s#proxy_pass $OLD_UPSTREAM;#proxy_pass $NEW_UPSTREAM;#" "$NGINX_CONF"
kill -HUP "$(cat "$NGINX_PID")"   # nginx -s reload: new workers use the new upstream
sleep 0.5
