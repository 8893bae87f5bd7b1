import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as data from '../../engine/data/index';
import type { Dataset, DataSource } from '../../engine/data/index';

const sources: Array<[string, (seed: number) => DataSource]> = [
  ['xor', (seed) => data.xor({ seed })],
  ['spiral', (seed) => data.spiral({ seed })],
  ['circles', (seed) => data.circles({ seed })],
  ['moons', (seed) => data.moons({ seed })],
  ['blobs', (seed) => data.blobs({ seed })],
  ['sine', (seed) => data.sine({ seed })],
  ['sequence', (seed) => data.sequence({ seed })],
  ['sequence parity', (seed) => data.sequence({ seed, problem: 'parity' })],
];

function counts(ds: Dataset): number[] {
  const c = new Array<number>(ds.numClasses ?? 2).fill(0);
  for (const s of [ds.train, ds.test!]) for (const y of s.y) c[y]++;
  return c;
}

for (const [name, make] of sources) {
  test(`${name}: consistent shapes, 80/20 split, finite values`, () => {
    const src = make(0);
    const ds = src.load();
    const xSize = ds.inputShape.reduce((a, b) => a * b, 1);
    const ySize = ds.train.yShape.reduce((a, b) => a * b, 1);
    const n = (src.options as { n: number }).n;
    assert.equal(ds.train.n + ds.test!.n, n);
    assert.equal(ds.test!.n, Math.round(n * 0.2));
    for (const s of [ds.train, ds.test!]) {
      assert.equal(s.x.length, s.n * xSize);
      assert.equal(s.y.length, s.n * ySize);
      assert.deepEqual(s.xShape, ds.inputShape);
      assert.ok(s.x.every(Number.isFinite) && s.y.every(Number.isFinite));
    }
    if (ds.task === 'classification' || ds.numClasses !== undefined) {
      assert.deepEqual(ds.train.yShape, []);
      assert.ok(ds.train.y.every((y) => Number.isInteger(y) && y >= 0 && y < ds.numClasses!));
    }
    if (ds.task === 'binary') {
      assert.deepEqual(ds.train.yShape, [1]);
      assert.ok(ds.train.y.every((y) => y === 0 || y === 1));
    }
  });

  test(`${name}: the same seed gives the same bits, another seed other data`, () => {
    const a = make(0).load();
    const b = make(0).load();
    const c = make(1).load();
    assert.deepEqual(a.train.x, b.train.x);
    assert.deepEqual(a.train.y, b.train.y);
    assert.deepEqual(a.test!.x, b.test!.x);
    assert.notDeepEqual(a.train.x, c.train.x);
  });
}

test('two-class sets can be framed for CrossEntropyLoss', () => {
  const ds = data.moons({ task: 'classification' }).load();
  assert.equal(ds.task, 'classification');
  assert.equal(ds.numClasses, 2);
  assert.deepEqual(ds.train.yShape, []);
  assert.deepEqual(counts(ds), [100, 100]);
  assert.throws(() => data.xor({ task: 'regression' as never }), /option 'task' must be one of 'binary', 'classification'/);
});

test('circles without noise: class 0 on the unit circle, class 1 on radius factor', () => {
  const ds = data.circles({ noise: 0, factor: 0.3, n: 101 }).load();
  for (const s of [ds.train, ds.test!]) {
    for (let i = 0; i < s.n; i++) {
      const r = Math.hypot(s.x[2 * i], s.x[2 * i + 1]);
      assert.ok(Math.abs(r - (s.y[i] === 0 ? 1 : 0.3)) < 1e-6, `r = ${r} for class ${s.y[i]}`);
    }
  }
  // sklearn: n_out = n // 2 on the outer circle.
  assert.deepEqual(counts(ds), [50, 51]);
  assert.throws(() => data.circles({ factor: 1 }), /'factor' .* must be below 1/);
});

test('moons without noise: outer moon is the upper unit half circle, inner is shifted by (1, 0.5)', () => {
  const ds = data.moons({ noise: 0, n: 50, testFraction: 0 }).load();
  const s = ds.train;
  for (let i = 0; i < s.n; i++) {
    const [x, y] = [s.x[2 * i], s.x[2 * i + 1]];
    if (s.y[i] === 0) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-6 && y >= -1e-7);
    else assert.ok(Math.abs(Math.hypot(x - 1, y - 0.5) - 1) < 1e-6 && y <= 0.5 + 1e-7);
  }
});

test('xor: label 1 exactly when the coordinates have opposite signs (no noise)', () => {
  const ds = data.xor({ n: 400 }).load();
  const s = ds.train;
  for (let i = 0; i < s.n; i++) assert.equal(s.y[i], s.x[2 * i] > 0 !== s.x[2 * i + 1] > 0 ? 1 : 0);
  const c = counts(ds);
  assert.ok(c[0] > 150 && c[1] > 150, `classes ${c}`);
});

test('spiral: balanced classes, radius within [0, 1], class count option', () => {
  const ds = data.spiral({ n: 500, classes: 5 }).load();
  assert.equal(ds.numClasses, 5);
  assert.deepEqual(counts(ds), [100, 100, 100, 100, 100]);
  for (let i = 0; i < ds.train.n; i++) assert.ok(Math.hypot(ds.train.x[2 * i], ds.train.x[2 * i + 1]) <= 1 + 1e-6);
});

test('blobs: samples gather around their centre with the requested std', () => {
  const centers = [[0, 0, 0], [10, 10, 10]];
  const ds = data.blobs({ n: 2000, centers, std: 0.5, testFraction: 0 }).load();
  assert.deepEqual(ds.inputShape, [3]);
  assert.deepEqual(counts({ ...ds, test: { x: new Float32Array(0), y: new Float32Array(0), n: 0, yShape: [] } }), [1000, 1000]);
  const s = ds.train;
  let sq = 0;
  for (let i = 0; i < s.n; i++) for (let j = 0; j < 3; j++) sq += (s.x[3 * i + j] - centers[s.y[i]][j]) ** 2;
  const std = Math.sqrt(sq / (s.n * 3));
  assert.ok(Math.abs(std - 0.5) < 0.02, `std ${std}`);
  assert.throws(() => data.blobs({ centers: [[0, 0], [1]] }), /option 'centers' must be a count or a non-empty array/);
  const counted = data.blobs({ n: 10, centers: 4, features: 5 }).load();
  assert.deepEqual(counted.inputShape, [5]);
  assert.equal(counted.numClasses, 4);
});

test('sine: y = sin(x) + noise; x within [-pi, pi]', () => {
  const clean = data.sine({ noise: 0 }).load();
  for (let i = 0; i < clean.train.n; i++) {
    assert.ok(Math.abs(clean.train.x[i]) <= Math.PI);
    assert.ok(Math.abs(clean.train.y[i] - Math.sin(clean.train.x[i])) < 1e-6);
  }
  const noisy = data.sine({ noise: 0.5, n: 4000 }).load();
  let sq = 0;
  for (let i = 0; i < noisy.train.n; i++) sq += (noisy.train.y[i] - Math.sin(noisy.train.x[i])) ** 2;
  assert.ok(Math.abs(Math.sqrt(sq / noisy.train.n) - 0.5) < 0.03);
});

test('sequence adding: two markers, one per half; the target is the sum of the marked values', () => {
  const ds = data.sequence({ length: 12 }).load();
  assert.equal(ds.task, 'sequence');
  assert.deepEqual(ds.inputShape, [12, 2]);
  assert.deepEqual(ds.train.yShape, [1]);
  assert.equal(ds.numClasses, undefined);
  const s = ds.train;
  for (let i = 0; i < s.n; i++) {
    const marked: number[] = [];
    let sum = 0;
    for (let t = 0; t < 12; t++) {
      const v = s.x[i * 24 + 2 * t];
      assert.ok(v >= 0 && v < 1);
      if (s.x[i * 24 + 2 * t + 1] === 1) {
        marked.push(t);
        sum += v;
      } else assert.equal(s.x[i * 24 + 2 * t + 1], 0);
    }
    assert.equal(marked.length, 2);
    assert.ok(marked[0] < 6 && marked[1] >= 6);
    assert.equal(s.y[i], Math.fround(sum));
  }
});

test('sequence adding: least squares on the flattened sequence leaves most of the variance (a linear model cannot solve it)', () => {
  const ds = data.sequence({ n: 3000, length: 10, testFraction: 0 }).load();
  const s = ds.train;
  const d = 21; // 20 inputs + bias
  const A = Array.from({ length: d }, () => new Float64Array(d));
  const b = new Float64Array(d);
  const row = new Float64Array(d);
  let mean = 0;
  for (let i = 0; i < s.n; i++) mean += s.y[i] / s.n;
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < 20; j++) row[j] = s.x[i * 20 + j];
    row[20] = 1;
    for (let p = 0; p < d; p++) {
      b[p] += row[p] * s.y[i];
      for (let q = 0; q < d; q++) A[p][q] += row[p] * row[q];
    }
  }
  // Gaussian elimination with partial pivoting (tiny ridge for safety).
  for (let p = 0; p < d; p++) A[p][p] += 1e-6;
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    [b[c], b[piv]] = [b[piv], b[c]];
    for (let r = c + 1; r < d; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k < d; k++) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  const w = new Float64Array(d);
  for (let r = d - 1; r >= 0; r--) {
    let acc = b[r];
    for (let k = r + 1; k < d; k++) acc -= A[r][k] * w[k];
    w[r] = acc / A[r][r];
  }
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < s.n; i++) {
    let pred = w[20];
    for (let j = 0; j < 20; j++) pred += w[j] * s.x[i * 20 + j];
    sse += (s.y[i] - pred) ** 2;
    sst += (s.y[i] - mean) ** 2;
  }
  const r2 = 1 - sse / sst;
  assert.ok(r2 < 0.5, `a linear fit explains ${(r2 * 100).toFixed(0)}% of the variance`);
});

test('sequence parity: the class is the parity of the bits', () => {
  const ds = data.sequence({ problem: 'parity', length: 7 }).load();
  assert.deepEqual(ds.inputShape, [7, 1]);
  assert.equal(ds.numClasses, 2);
  const s = ds.train;
  for (let i = 0; i < s.n; i++) {
    let ones = 0;
    for (let t = 0; t < 7; t++) ones += s.x[i * 7 + t];
    assert.equal(s.y[i], ones % 2);
  }
});

test('sources are lazy and their options are checked up front', () => {
  const src = data.spiral({ n: 90 });
  assert.equal(src.kind, 'spiral');
  assert.deepEqual(src.options, { n: 90, seed: 0, testFraction: 0.2, classes: 3, noise: 0.2 });
  assert.throws(() => data.moons({ n: 0 }), /data\.moons: option 'n' must be an integer >= 1, got 0/);
  assert.throws(() => data.sine({ noise: -1 }), /option 'noise' must be a number >= 0/);
  assert.throws(() => data.sequence({ problem: 'copy' as never }), /option 'problem' must be one of 'adding', 'parity'/);
  assert.throws(() => data.xor({ samples: 10 } as never), /unknown option 'samples'; known options: n, seed, testFraction, noise, task/);
  assert.equal(data.xor({ testFraction: 0 }).load().test, undefined);
});
