// What time travel's snapshots cost on the MNIST MLP and CNN (examples/mnist-mlp.ts, mnist-cnn.ts: Adam, batch 64):
// the bytes one snapshot holds, the time to take one into a full ring (its arrays reused), the time to restore
// one, and a training step's time for scale, so the overhead of a snapshot every N steps is ms / (N x step ms).
// The figures in docs/time-travel.md come from:
//   node --import tsx bench/snapshot-cost.ts [--backend wasm|cpu] [--steps 30]
import { data, DataLoader, nn, optim } from '../engine';
import { initBackends } from '../engine/kernels/register-backends';
import { Monitor } from '../engine/monitor/monitor';
import { manual_seed } from '../engine/random';
import { SnapshotRing } from '../engine/train/timetravel/ring';
import { restoreSnapshot, takeSnapshot, type TrainingParts } from '../engine/train/timetravel/snapshot';
import type { BackendName } from '../protocol/messages';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const backend = arg('--backend', 'wasm') as BackendName;
const steps = Number(arg('--steps', '30'));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function models(): Record<string, () => nn.Module> {
  return {
    'MNIST MLP 784-256-10': () => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)),
    'MNIST CNN (2 conv, 2 fc)': () =>
      new nn.Sequential(
        new nn.Conv2d(1, 10, 5), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(10, 20, 5), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Flatten(), new nn.Linear(320, 50), new nn.ReLU(), new nn.Linear(50, 10),
      ),
  };
}

async function main(): Promise<void> {
  await initBackends({ backend });
  const split = data.mnist({ train: 8000, test: 2000 }).load() as { train: import('../engine/data/types').Split };
  console.log(`backend ${backend}, ${steps} training steps each, batch 64, Adam`);
  console.log('| model | parameters | bytes / snapshot | take (ms, median) | restore (ms, median) | step (ms, median) | every 10: overhead |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, make] of Object.entries(models())) {
    manual_seed(42);
    const model = make();
    const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const loader = new DataLoader(split.train, { batch_size: 64, shuffle: true });
    const lossFn = new nn.CrossEntropyLoss();
    const parts: TrainingParts = { models: () => [model], optimizers: () => [opt], schedulers: () => [], loaders: () => [loader], monitor: new Monitor() };
    const ring = new SnapshotRing({ every: 1, depth: 8 });
    const stepMs: number[] = [];
    const takeMs: number[] = [];
    let s = 0;
    for (const [x, y] of loader) {
      const t0 = performance.now();
      opt.zero_grad();
      lossFn(model(x), y).backward();
      opt.step();
      stepMs.push(performance.now() - t0);
      const t1 = performance.now();
      ring.add((reuse) => takeSnapshot(parts, s + 1, reuse));
      takeMs.push(performance.now() - t1);
      if (++s >= steps) break;
    }
    // The ring is full after `depth` snapshots: from then on each take reuses the evicted one's arrays.
    const steady = takeMs.slice(ring.depth);
    const snap = ring.atOrBefore(s);
    if (!snap) throw new Error('no snapshot');
    const restoreMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      restoreSnapshot(parts, snap);
      restoreMs.push(performance.now() - t);
    }
    const params = model.parameters().reduce((n, p) => n + p.data.length, 0);
    const take = median(steady);
    const step = median(stepMs.slice(3));
    console.log(
      `| ${name} | ${params.toLocaleString('en')} | ${(snap.bytes / 1e6).toFixed(2)} MB (x${ring.depth} = ${((snap.bytes * ring.depth) / 1e6).toFixed(1)} MB) | ${take.toFixed(3)} | ${median(restoreMs).toFixed(3)} | ${step.toFixed(1)} | ${((100 * take) / (10 * step)).toFixed(2)}% |`,
    );
  }
}

void main();
