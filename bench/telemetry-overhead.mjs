// Telemetry overhead benchmark (not a unit test): step time of the MNIST MLP (784-256-10, Adam, batch 64) with
// per-layer telemetry at the default cadence (layer statistics every step, histograms every 50 steps, all
// detectors, messages posted across a MessagePort as the engine's worker does) versus telemetry off.
//   npm run bench:telemetry -- [--steps 375] [--rounds 5]   (bundled by esbuild first, as the engine child is)
// Two measures: (1) in-run attribution, the time the trainer spends in telemetry code (statistics, weight
// snapshots, histograms, detectors, posting their messages) divided by the time of the steps themselves, which
// is robust to a busy machine; (2) A/B, the median step time with telemetry on vs off, interleaving rounds so
// machine noise hits both alike (only meaningful on a quiet machine). Fails (exit 1) when (1) exceeds 5%.
import { MessageChannel } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nn, optim, defineTraining, manual_seed } from '../engine/index.ts';
import * as data from '../engine/data/index.ts';
import { Trainer } from '../engine/train/trainer.ts';
import { initBackends } from '../engine/kernels/register-backends.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
// 375 steps = 3 epochs of the bundled MNIST examples: the adaptive cadence's warm-up is part of a real run.
const STEPS = arg('steps', 375);
const ROUNDS = arg('rounds', 5);
const LIMIT = 0.05;

// The kernels the engine child would pick (calibrated wasm where it wins): the overhead is relative to a real
// step, not to the slower reference backend's.
const backends = await initBackends({ backend: 'auto' });
console.log(`kernels: ${JSON.stringify(backends.kernels)}`);

const source = data.mnist({ train: 8000, test: 500 });
const loaded = source.load({ baseDir: root });
const cachedData = { kind: 'mnist', load: () => loaded };

function runOnce(telemetry) {
  manual_seed(42);
  const definition = defineTraining({
    model: new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)),
    data: cachedData,
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.Adam(params, { lr: 1e-3 }),
    epochs: 1,
    batchSize: 64,
    seed: 42,
  });
  const { port1, port2 } = new MessageChannel();
  port2.unref();
  const stamps = [];
  const host = {
    emit: (msg) => {
      if (msg.type === 'step') stamps.push(performance.now());
      port1.postMessage(msg);
    },
    poll: () => [],
    wait: () => {
      throw new Error('the benchmark never pauses');
    },
  };
  const file = path.join(root, 'bench', 'mlp.ts');
  const where = { definition: { file, line: 1, column: 1 }, data: { file, line: 1, column: 1 } };
  const trainer = new Trainer(host, { definition, modelFile: file, options: { modelFile: file, maxSteps: STEPS }, where, telemetry });
  trainer.run();
  port1.close();
  if (telemetry) attributed.push(trainer.timing.telemetryMs / trainer.timing.stepMs);
  // Interval between consecutive step messages = one full step, telemetry of the previous one included.
  const intervals = [];
  for (let i = 11; i < stamps.length; i++) intervals.push(stamps[i] - stamps[i - 1]);
  return median(intervals);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const attributed = [];
runOnce(true);
runOnce(false);
attributed.length = 0;
const on = [];
const off = [];
for (let r = 0; r < ROUNDS; r++) {
  off.push(runOnce(false));
  on.push(runOnce(true));
}
const mOn = median(on);
const mOff = median(off);
const ab = mOn / mOff - 1;
const inRun = median(attributed);
console.log(`MLP 784-256-10, batch 64, ${STEPS} steps x ${ROUNDS} rounds`);
console.log(`telemetry time / step time (in-run): ${(inRun * 100).toFixed(2)}% (rounds: ${attributed.map((v) => (v * 100).toFixed(2)).join(', ')}; limit ${LIMIT * 100}%)`);
console.log(`A/B median step: off ${mOff.toFixed(2)} ms (${off.map((v) => v.toFixed(1)).join(', ')}), on ${mOn.toFixed(2)} ms (${on.map((v) => v.toFixed(1)).join(', ')}): ${(ab * 100).toFixed(1)}%`);
process.exitCode = inRun <= LIMIT ? 0 : 1;
