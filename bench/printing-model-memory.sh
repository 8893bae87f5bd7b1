#!/usr/bin/env bash
# The engine child's memory while a model prints 20 lines a batch (test/integration/fixtures/prints-every-batch.ts),
# then Ctrl-C to the whole process group, as a terminal sends it: how issue 24's "246 MB -> 2.2 GB in 42 s" and
# "Ctrl-C takes 2.15 s and ends as a crash" were measured, and their fixes checked. Linux (reads /proc).
#   npm run build && bash bench/printing-model-memory.sh [seconds=60]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
work=$(mktemp -d)
cd "$work"
setsid node "$root/dist/cli.js" train "$root/test/integration/fixtures/prints-every-batch.ts" > out.txt 2> err.txt &
cli=$!
sleep 2
for i in $(seq 1 "$secs"); do
  child=$(pgrep -P "$cli" | head -1)
  [ $((i % 5)) -eq 1 ] && echo "t=$((i + 1)) s: engine RSS $(awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$child/status" 2>/dev/null)"
  sleep 1
done
t0=$(date +%s%N)
kill -INT -"$cli"
wait "$cli"
rc=$?
echo "Ctrl-C: exit $rc after $((($(date +%s%N) - t0) / 1000000)) ms"
grep -E '^Finished' out.txt
grep -E 'error' err.txt | head -3
rm -rf "$work"
