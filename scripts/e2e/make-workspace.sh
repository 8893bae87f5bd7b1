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
# A model that trains slowly on purpose (about 200 ms a step, 180 steps under the settings below), so a test can
# stop it mid-run.
cat > "$WS/slow.ts" <<'TS'
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 3)),
  data: data.spiral({ n: 400, classes: 3 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
  onStep: () => {
    const until = Date.now() + 200;
    while (Date.now() < until) {
      // slow on purpose
    }
  },
  epochs: 100,
  batchSize: 16,
});
TS
# A project of its own, as users have: a tsconfig.json and a node_modules without gradlens in it. IntelliSense for
# `gradlens` must still come from the extension's TypeScript server plugin.
cat > "$WS/tsconfig.json" <<'JSON'
{
  "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "strict": true, "noEmit": true, "skipLibCheck": true }
}
JSON
mkdir -p "$WS/node_modules/left-pad"
echo '{"name":"left-pad","version":"1.3.0","main":"index.js"}' > "$WS/node_modules/left-pad/package.json"
echo 'module.exports = (s, n) => String(s).padStart(n);' > "$WS/node_modules/left-pad/index.js"
cat > "$WS/.vscode/settings.json" <<'JSON'
{
  "gradlens.training.maxSteps": 180,
  "gradlens.telemetry.histogramEvery": 5,
  "files.autoSave": "off"
}
JSON
