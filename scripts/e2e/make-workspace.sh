#!/bin/bash
# The e2e workspace: the bundled examples as a user would have them (model files importing 'gradlens', their
# data), a model file with a syntax error, and workspace settings that keep every run short.
set -euo pipefail
WS=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WS/.vscode"
cp -r "$ROOT"/examples/. "$WS/"
cat > "$WS/broken.ts" <<'TS'
import { nn, optim, data, defineTraining } from 'gradlens';

const model = new nn.Sequential(
  new nn.Linear(2, 8),
  new nn.ReLU(,
  new nn.Linear(8, 2),
);

export default defineTraining({
  model,
  data: data.moons({ n: 200 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
});
TS
cat > "$WS/.vscode/settings.json" <<'JSON'
{
  "gradlens.training.maxSteps": 180,
  "gradlens.telemetry.histogramEvery": 5,
  "files.autoSave": "off"
}
JSON
