// What instrumenting the user's own loop costs (issue 21), not a unit test: the MNIST MLP of the first seed
// (784-256-10, Adam 1e-3, batch 64) trained for the same steps
//   plain      the loop on the bare engine: no session, no hooks installed (Gradlens as a library);
//   hooks      the same loop inside a RunSession with per-layer telemetry and time travel's snapshots off: the
//              hooks, the step messages and the loss detectors (what every step pays);
//   snapshots  the same with time travel's default snapshot ring (one every 10 steps);
//   telemetry  the same loop inside a RunSession with the default telemetry (layer statistics on their adaptive
//              cadence, histograms, all detectors), messages posted across a MessagePort as the engine worker does;
//   definition the same model and data as `export default defineTraining({...})` (trainer.ts's loop, telemetry on).
// Rounds interleave the variants so machine noise hits them alike; the table gives each median ms per step and its
// ratio to plain.   npm run bench:hooks -- [--steps 250] [--rounds 5]   (bundled as the engine child is)
import { MessageChannel } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nn, optim, defineTraining, manual_seed, DataLoader } from '../engine/index.ts';
import * as data from '../engine/data/index.ts';
import { RunSession } from '../engine/train/session.ts';
import { Trainer } from '../engine/train/trainer.ts';
import { initBackends } from '../engine/kernels/register-backends.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const STEPS = arg('steps', 250);
const ROUNDS = arg('rounds', 5);

const backends = await initBackends({ backend: 'auto' });
console.log(`kernels: ${JSON.stringify(backends.kernels)}`);
const loaded = data.mnist({ train: 8000, test: 500 }).load({ baseDir: root });
const file = path.join(root, 'bench', 'mlp-loop.ts');
const where = { definition: { file, line: 1, column: 1 }, data: { file, line: 1, column: 1 } };

function model() {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
}

/** The seed's loop, as the user writes it. */
function userLoop() {
  manual_seed(42);
  const net = model();
  const loss_fn = new nn.CrossEntropyLoss();
  const optimizer = new optim.Adam(net.parameters(), { lr: 1e-3 });
  const loader = new DataLoader(loaded.train, { batch_size: 64, shuffle: true, seed: 42 });
  let step = 0;
  while (step < STEPS) {
    for (const [inputs, targets] of loader) {
      if (step >= STEPS) break;
      optimizer.zero_grad();
      const loss = loss_fn(net(inputs), targets);
      loss.backward();
      optimizer.step();
      step++;
    }
  }
}

function host() {
  const { port1, port2 } = new MessageChannel();
  port2.unref();
  return {
    emit: (msg) => port1.postMessage(msg),
    poll: () => [],
    wait: () => {
      throw new Error('the benchmark never pauses');
    },
    close: () => port1.close(),
  };
}

function timed(fn) {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / STEPS;
}

const VARIANTS = {
  plain: () => timed(userLoop),
  hooks: () => {
    const h = host();
    // Time travel's snapshots off too: what the hooks, the step messages and the loss detectors cost.
    const ms = timed(() => new RunSession(h, { modelFile: file, options: { modelFile: file, snapshots: false }, where, telemetry: false }).run(userLoop));
    h.close();
    return ms;
  },
  snapshots: () => {
    const h = host();
    // The same with time travel's default snapshot ring (one every 10 steps).
    const ms = timed(() => new RunSession(h, { modelFile: file, options: { modelFile: file }, where, telemetry: false }).run(userLoop));
    h.close();
    return ms;
  },
  telemetry: () => {
    const h = host();
    const ms = timed(() => new RunSession(h, { modelFile: file, options: { modelFile: file }, where }).run(userLoop));
    h.close();
    return ms;
  },
  definition: () => {
    manual_seed(42);
    const definition = defineTraining({
      model: model(),
      // No test split: the user's loop above validates nothing either.
      data: { kind: 'mnist', load: () => ({ ...loaded, test: undefined }) },
      loss: new nn.CrossEntropyLoss(),
      optimizer: (params) => new optim.Adam(params, { lr: 1e-3 }),
      epochs: 100,
      batchSize: 64,
      seed: 42,
      valFraction: 0,
    });
    const h = host();
    const ms = timed(() => new Trainer(h, { definition, modelFile: file, options: { modelFile: file, maxSteps: STEPS }, where }).run());
    h.close();
    return ms;
  },
};

const results = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
for (const fn of Object.values(VARIANTS)) fn(); // warm-up: JIT, kernel caches
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(VARIANTS)) results[name].push(fn());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(results.plain);
console.log(`MNIST MLP 784-256-10, Adam, batch 64, ${STEPS} steps, ${ROUNDS} interleaved rounds (median ms/step)`);
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs);
  console.log(`${name.padEnd(11)} ${m.toFixed(3).padStart(8)} ms/step  ${(m / base).toFixed(3)}x plain`);
}
