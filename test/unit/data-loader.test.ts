import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as data from '../../engine/data/index';
import type { Split } from '../../engine/data/index';
import { Tensor } from '../../engine/tensor';
import { manual_seed } from '../../engine/random';

/** n samples of shape [2, 3]; sample i is filled with i, its target is [i, -i]. */
function split(n: number): Split {
  const x = new Float32Array(n * 6);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    x.fill(i, i * 6, (i + 1) * 6);
    y[2 * i] = i;
    y[2 * i + 1] = -i;
  }
  return { x, y, n, yShape: [2], xShape: [2, 3] };
}

const ids = (b: data.Batch): number[] => Array.from({ length: b.x.shape[0] }, (_, k) => b.x.data[k * 6]);

test('batches are Tensors shaped [B, ...sample shape], the last one partial unless drop_last', () => {
  const loader = new data.DataLoader(split(10), { batch_size: 4 });
  assert.equal(loader.len, 3);
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.deepEqual(batches.map((b) => b.x.shape), [[4, 2, 3], [4, 2, 3], [2, 2, 3]]);
  assert.deepEqual(batches.map((b) => b.y.shape), [[4, 2], [4, 2], [2, 2]]);
  assert.ok(batches[0].x instanceof Tensor && !batches[0].x.requires_grad);
  assert.deepEqual(batches.flatMap(ids), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(batches[2].y.data), [8, -8, 9, -9]);
  const dropped = new data.DataLoader(split(10), { batch_size: 4, drop_last: true });
  assert.equal(dropped.len, 2);
  assert.deepEqual([...dropped].map((b) => b.x.shape[0]), [4, 4]);
});

test('scalar targets (class indices) give y of shape [B]', () => {
  const ds = data.mnist({ train: 10, test: 0 }).load();
  const [b] = new data.DataLoader(ds.train, { batch_size: 10 });
  assert.deepEqual(b.x.shape, [10, 1, 28, 28]);
  assert.deepEqual(b.y.shape, [10]);
  assert.deepEqual(Array.from(b.y.data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('shuffling: every sample once per epoch, x and y kept together, a new order each epoch', () => {
  const loader = new data.DataLoader(split(100), { batch_size: 16, shuffle: true, seed: 3 });
  const e0 = [...loader];
  const e1 = [...loader];
  const o0 = e0.flatMap(ids);
  const o1 = e1.flatMap(ids);
  assert.deepEqual([...o0].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual([...o1].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(o0, Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(o0, o1);
  for (const b of [...e0, ...e1]) {
    for (let k = 0; k < b.x.shape[0]; k++) {
      const i = b.x.data[k * 6];
      assert.ok(b.x.data.subarray(k * 6, k * 6 + 6).every((v) => v === i));
      assert.deepEqual([b.y.data[2 * k], b.y.data[2 * k + 1]], [i, -i]);
    }
  }
  assert.equal(loader.epoch, 2);
});

test('epoch e order depends only on (seed, e): same seed same bits, other seed other order', () => {
  const a = new data.DataLoader(split(50), { batch_size: 7, shuffle: true, seed: 11 });
  const b = new data.DataLoader(split(50), { batch_size: 7, shuffle: true, seed: 11 });
  const c = new data.DataLoader(split(50), { batch_size: 7, shuffle: true, seed: 12 });
  const aEpochs = [0, 1, 2].map(() => [...a].flatMap(ids));
  // b jumps straight to epoch 2, as a resumed run would.
  b.set_epoch(2);
  assert.deepEqual([...b].flatMap(ids), aEpochs[2]);
  assert.deepEqual([...a.batches(1)].flatMap(ids), aEpochs[1]);
  assert.deepEqual(Array.from(a.order(0)), aEpochs[0]);
  assert.notDeepEqual([...c.batches(0)].flatMap(ids), aEpochs[0]);
  // The global generator plays no part.
  const before = [...a.batches(0)].flatMap(ids);
  manual_seed(999);
  assert.deepEqual([...a.batches(0)].flatMap(ids), before);
});

test('each batch owns fresh buffers, so a model may keep the tensors', () => {
  const s = split(8);
  const loader = new data.DataLoader(s, { batch_size: 4 });
  const [b0, b1] = [...loader];
  assert.notEqual(b0.x.data.buffer, b1.x.data.buffer);
  assert.notEqual(b0.x.data.buffer, s.x.buffer);
  b0.x.data[0] = 123;
  assert.equal(s.x[0], 0);
  const again = [...loader][0];
  assert.equal(again.x.data[0], 0);
  const shuffled = [...new data.DataLoader(s, { batch_size: 4, shuffle: true })];
  assert.notEqual(shuffled[0].y.data.buffer, s.y.buffer);
});

test('options and splits are validated', () => {
  assert.throws(() => new data.DataLoader(split(4), { batch_size: 0 }), /data\.DataLoader: option 'batch_size' must be an integer >= 1, got 0/);
  assert.throws(() => new data.DataLoader(split(4), { batchSize: 2 } as never), /unknown option 'batchSize'; known options: batch_size, shuffle, seed, drop_last/);
  assert.throws(() => new data.DataLoader({ x: new Float32Array(5), y: new Float32Array(2), n: 2, yShape: [], xShape: [2] }), /split sizes disagree/);
  // Without xShape, samples are flat vectors.
  const flat = new data.DataLoader({ x: new Float32Array(6), y: new Float32Array(2), n: 2, yShape: [] }, { batch_size: 2 });
  assert.deepEqual([...flat][0].x.shape, [2, 3]);
  assert.equal(new data.DataLoader(split(3)).len, 3); // PyTorch's default batch_size of 1
});

test('randomSplit: fractions like torch (floor, remainder dealt in order), disjoint parts covering the split', () => {
  const s = split(10);
  const parts = data.randomSplit(s, [0.33, 0.33, 0.34], 5);
  // floor gives 3, 3, 3; the remaining sample goes to the first part.
  assert.deepEqual(parts.map((p) => p.n), [4, 3, 3]);
  const all = parts.flatMap((p) => Array.from({ length: p.n }, (_, k) => p.x[k * 6]));
  assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  for (const p of parts) {
    assert.deepEqual(p.xShape, [2, 3]);
    for (let k = 0; k < p.n; k++) assert.equal(p.y[2 * k + 1], -p.x[k * 6]);
  }
  assert.deepEqual(data.randomSplit(s, [7, 3]).map((p) => p.n), [7, 3]);
  assert.deepEqual(data.randomSplit(s, [0.8, 0.2], 1)[0].x, data.randomSplit(s, [0.8, 0.2], 1)[0].x);
  assert.notDeepEqual(data.randomSplit(s, [0.8, 0.2], 1)[0].x, data.randomSplit(s, [0.8, 0.2], 2)[0].x);
  assert.throws(() => data.randomSplit(s, [5, 3]), /must be fractions adding up to 1 or sample counts adding up to the split's 10 samples/);
  const [tr, va] = data.randomSplit(data.moons().load().train, [0.9, 0.1]);
  assert.deepEqual([tr.n, va.n], [144, 16]);
  assert.ok([...new data.DataLoader(va, { batch_size: 16 })][0].y.shape[1] === 1);
});

test("a batch destructures as PyTorch's [inputs, targets] and still as { x, y }", () => {
  const loader = new data.DataLoader(split(5), { batch_size: 2 });
  const seen: number[][] = [];
  for (const [inputs, targets] of loader) {
    assert.ok(inputs instanceof Tensor && targets instanceof Tensor);
    seen.push([inputs.shape[0], targets.data[0]]);
  }
  assert.deepEqual(seen, [[2, 0], [2, 2], [1, 4]]);
  for (const { x, y } of loader) {
    assert.deepEqual([x.shape, y.shape], [[2, 2, 3], [2, 2]]);
    break;
  }
  const [b] = [...loader];
  assert.equal(b.x, b[0]);
  assert.equal(b.y, b[1]);
  assert.equal(b.length, 2);
  assert.deepEqual(Object.keys(b), ['0', '1'], 'prints as a pair');
});

test("PyTorch's positional DataLoader(dataset, batch_size, shuffle) is the same loader as the options form", () => {
  const a = new data.DataLoader(split(9), 4, true, { seed: 3 });
  const b = new data.DataLoader(split(9), { batch_size: 4, shuffle: true, seed: 3 });
  assert.deepEqual([a.batch_size, a.shuffle, a.seed], [4, true, 3]);
  assert.deepEqual([...a].flatMap(ids), [...b].flatMap(ids));
  assert.equal(new data.DataLoader(split(9), 2, { drop_last: true }).len, 4);
  assert.throws(() => new data.DataLoader(split(9), 4, true, { batch_size: 2 }), /got multiple values for 'batch_size'/);
  assert.throws(() => new data.DataLoader(split(9), 4, 'yes' as unknown as boolean), /shuffle/);
});

test('a shuffling loader without a seed of its own takes its order from torch.manual_seed, as in PyTorch', () => {
  const split: Split = { x: Float32Array.from({ length: 32 }, (_, i) => i), y: new Float32Array(32), n: 32, yShape: [] };
  const firstBatch = (seed: number): number[] => {
    manual_seed(seed);
    const loader = new data.DataLoader(split, { batch_size: 8, shuffle: true });
    const [[x]] = loader;
    return Array.from(x.data);
  };
  assert.deepEqual(firstBatch(1), firstBatch(1), 'the same seed gives the same order');
  assert.notDeepEqual(firstBatch(1), firstBatch(2), 'another seed gives another order');
  manual_seed(1);
  const seeded = new data.DataLoader(split, { batch_size: 8, shuffle: true, seed: 5 });
  manual_seed(2);
  const again = new data.DataLoader(split, { batch_size: 8, shuffle: true, seed: 5 });
  assert.deepEqual(Array.from([...seeded][0][0].data), Array.from([...again][0][0].data), "a loader's own seed wins");
});
