#!/bin/bash
# What Gradlens costs a PyTorch script (issue 22), not a test: each script run plain (`/usr/bin/python3 script.py`)
# against the same script under `gradlens train` (default cadence, run record written), and against PyTorch's own NaN
# tool (torch.autograd.detect_anomaly for the whole run), interleaved A B A B by bench/interleave.mjs, whole processes (start-up
# included), ratios taken pair by pair. The scripts: the first seed document's MLP (examples/pytorch/seed-mnist.py)
# and a small pooled CNN (bench/pytorch/mnist-cnn.py), on the bundled digits.
#   bash bench/pytorch-overhead.sh [RUNS]      (default 5 pairs each; needs npm run build and Debian's python3-torch)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
$PY "$ROOT/examples/pytorch/prepare_mnist.py" ./data > /dev/null
for script in "$ROOT/examples/pytorch/seed-mnist.py" "$ROOT/bench/pytorch/mnist-cnn.py"; do
  echo "== $(basename "$script"): under gradlens train (A) vs plain python (B)"
  node "$ROOT/bench/interleave.mjs" "$RUNS" "node $ROOT/bin/gradlens.cjs train $script" "$PY $script"
  echo "== $(basename "$script"): under torch.autograd.detect_anomaly (A) vs plain python (B)"
  node "$ROOT/bench/interleave.mjs" "$RUNS" "$PY $ROOT/bench/pytorch/detect_anomaly.py $script" "$PY $script"
done
