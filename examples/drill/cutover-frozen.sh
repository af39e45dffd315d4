#!/bin/sh
# The SQLite -> PostgreSQL cut-over that loses nothing: bulk copy while the old app runs,
# freeze writes, catch up, switch, unfreeze. Writes refused while frozen (503) are errors
# the simulator sees, never writes acknowledged and then lost.
#
#   minitwit-harness drill --target http://PROXY --during "sh examples/drill/cutover-frozen.sh"
#
# The old app runs with --maintenance-file "$OLD_FROZEN"; START_NEW starts the new app with
# --maintenance-file "$NEW_FROZEN". Other settings as in cutover-naive.sh.
set -eu
H=${HARNESS:-minitwit-harness}

# 1. Bulk copy while the old app takes writes (long; verified against its snapshot).
$H db copy --from "$OLD_DB" --to "$NEW_DB"
# 2. Start the new app, frozen.
touch "$NEW_FROZEN"
sh -c "$START_NEW"
# 3. Freeze the old app; writes that passed its check before the freeze finish meanwhile.
touch "$OLD_FROZEN"
sleep 1
# 4. Catch up: only what changed since step 1 (seconds; verified).
$H db copy --from "$OLD_DB" --to "$NEW_DB" --since
# 5. Switch nginx to the new app.
sed -i "s#proxy_pass $OLD_UPSTREAM;#proxy_pass $NEW_UPSTREAM;#" "$NGINX_CONF"
kill -HUP "$(cat "$NGINX_PID")"
sleep 0.5
# 6. Unfreeze the new app. The old one stays frozen until it is stopped.
rm "$NEW_FROZEN"
