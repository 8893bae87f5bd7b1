// Snapshots: a plain training loop (dropout, BatchNorm, a shuffled loader, Adam, a StepLR scheduler) takes a
// snapshot between two steps, trains on across an epoch boundary, puts the snapshot back in the middle of the next
// epoch's `for ... of` and trains the same steps again: losses, weights, BatchNorm statistics, Adam's moments and
// the learning rate are bit-identical. The controls leave out one piece of state each and must differ, so the test
// shows that each piece matters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randn, tensor } from '../../engine/creation';
import { manual_seed } from '../../engine/random';
import { DataLoader } from '../../engine/data/loader';
import { TensorDataset } from '../../engine/data/datasets';
import { BatchNorm1d, CrossEntropyLoss, Dropout, Linear, ReLU, Sequential } from '../../engine/nn';
import { Adam } from '../../engine/optim/adam';
import { StepLR } from '../../engine/optim/lr_scheduler';
import { Monitor } from '../../engine/monitor/monitor';
import { restoreSnapshot, takeSnapshot, type TrainingParts, type TrainingSnapshot } from '../../engine/train/timetravel/snapshot';
import type { Tensor } from '../../engine/tensor';

const SNAP_AFTER = 4; // snapshot at the end of step 4 (before step 5), in epoch 0
const LAST = 15; // epoch 1 (10 batches an epoch)

interface Pass {
  losses: Map<number, number>;
  weights: Float32Array[];
  adam: Float32Array[];
  lr: number;
}

function scenario(tamper?: (snap: TrainingSnapshot) => void): { first: Pass; second: Pass } {
  manual_seed(3);
  const n = 80;
  const x = randn([n, 6]);
  const y = tensor(Array.from({ length: n }, (_, i) => (i * 7) % 3));
  const loader = new DataLoader(new TensorDataset(x, y), { batch_size: 8, shuffle: true, seed: 5 });
  const model = new Sequential(new Linear(6, 12), new BatchNorm1d(12), new ReLU(), new Dropout(0.3), new Linear(12, 3));
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const sched = new StepLR(opt, 3, 0.7);
  const lossFn = new CrossEntropyLoss();
  const monitor = new Monitor();
  const parts: TrainingParts = {
    models: () => [model],
    optimizers: () => [opt],
    schedulers: () => [sched],
    loaders: () => [loader],
    monitor,
  };
  const passes: Pass[] = [];
  let losses = new Map<number, number>();
  let snap: TrainingSnapshot | undefined;
  let step = 0;
  const state = (): Pass => ({
    losses,
    weights: [...model.parameters(), ...model.named_buffers().map(([, t]) => t)].map((t: Tensor) => t.data.slice()),
    adam: [...opt.state.values()].flatMap((s) => Object.values(s).filter((v): v is Float32Array => v instanceof Float32Array).map((v) => v.slice())),
    lr: opt.param_groups[0].lr,
  });
  outer: for (;;) {
    for (const [xb, yb] of loader) {
      opt.zero_grad();
      const loss = lossFn(model(xb), yb);
      loss.backward();
      opt.step();
      sched.step();
      losses.set(step, loss.data[0]);
      if (step === SNAP_AFTER && !snap) snap = takeSnapshot(parts, step + 1);
      if (step === LAST) {
        passes.push(state());
        if (passes.length === 2) break outer;
        if (!snap) throw new Error('no snapshot');
        tamper?.(snap);
        restoreSnapshot(parts, snap);
        losses = new Map();
        step = snap.step;
        continue;
      }
      step++;
    }
  }
  return { first: passes[0], second: passes[1] };
}

function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, k) => Object.is(v, b[i][k])));
}

test('restoring a snapshot and replaying gives the same steps bit for bit, across an epoch boundary', () => {
  const { first, second } = scenario();
  assert.deepEqual([...second.losses.keys()], Array.from({ length: LAST - SNAP_AFTER }, (_, i) => SNAP_AFTER + 1 + i));
  for (const [s, l] of second.losses) assert.ok(Object.is(l, first.losses.get(s)), `step ${s}: ${l} vs ${first.losses.get(s)}`);
  assert.ok(sameBits(first.weights, second.weights), 'weights and BatchNorm buffers');
  assert.ok(first.adam.length > 0 && sameBits(first.adam, second.adam), "Adam's moments");
  assert.equal(second.lr, first.lr);
});

/** The losses of the replay differ from the original's somewhere: the piece left out mattered. */
function differs(tamper: (snap: TrainingSnapshot) => void): boolean {
  const { first, second } = scenario(tamper);
  return [...second.losses].some(([s, l]) => !Object.is(l, first.losses.get(s))) || !sameBits(first.weights, second.weights);
}

test('each piece of state matters: leaving one out of the snapshot breaks the replay', () => {
  assert.ok(differs((s) => (s.rng = [])), 'random streams (dropout)');
  assert.ok(differs((s) => (s.loaders = [])), 'the loader cursor (shuffled order)');
  assert.ok(differs((s) => (s.optimizers = [])), "the optimizer's state");
  assert.ok(differs((s) => (s.schedulers = [])), 'the scheduler');
  assert.ok(differs((s) => (s.tensors = s.tensors.map((t, i) => (i >= 4 ? t : t.map(() => 0.01))))), 'the weights');
});
