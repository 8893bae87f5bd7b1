import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as data from '../../engine/data/index';
import { parseCsv } from '../../engine/data/csv-parse';

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-csv-'));
function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}
const ctx = { baseDir: dir };

test('parseCsv handles quotes, doubled quotes, embedded newlines, CRLF, a BOM and blank lines', () => {
  const rows = parseCsv('\ufeffa,b\r\n"x,1","say ""hi"""\r\n\r\n"multi\nline",2\n', ',');
  assert.deepEqual(rows, [
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['x,1', 'say "hi"'] },
    { line: 4, cells: ['multi\nline', '2'] },
  ]);
  assert.deepEqual(parseCsv('a;b\n1;2', ';'), [{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['1', '2'] }]);
});

test('regression: features default to every other column; shapes, names and split sizes', () => {
  const rows = ['a,b,y', ...Array.from({ length: 50 }, (_, i) => `${i},${2 * i + 1},${3 * i}`)];
  const ds = data.csv({ path: file('reg.csv', rows.join('\n')), target: 'y', normalize: false }).load(ctx);
  assert.equal(ds.task, 'regression');
  assert.deepEqual(ds.inputShape, [2]);
  assert.deepEqual(ds.featureNames, ['a', 'b']);
  assert.equal(ds.name, 'reg.csv');
  assert.equal(ds.train.n, 40);
  assert.equal(ds.test!.n, 10);
  assert.deepEqual(ds.train.yShape, [1]);
  // Rows stay whole through the shuffle: y = 3a and b = 2a + 1 in every sample.
  for (const s of [ds.train, ds.test!]) {
    for (let i = 0; i < s.n; i++) {
      assert.equal(s.y[i], 3 * s.x[2 * i]);
      assert.equal(s.x[2 * i + 1], 2 * s.x[2 * i] + 1);
    }
  }
  const seen = [...ds.train.x.filter((_, k) => k % 2 === 0), ...ds.test!.x.filter((_, k) => k % 2 === 0)].sort((p, q) => p - q);
  assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i));
});

test('z-scores use training statistics only', () => {
  const rows = ['f,g,t', ...Array.from({ length: 100 }, (_, i) => `${i * i},${7},${i % 3}`)];
  const ds = data.csv({ path: file('norm.csv', rows.join('\n')), target: 't', task: 'regression' }).load(ctx);
  const tr = ds.train;
  let mean = 0;
  for (let i = 0; i < tr.n; i++) mean += tr.x[2 * i];
  mean /= tr.n;
  let v = 0;
  for (let i = 0; i < tr.n; i++) v += (tr.x[2 * i] - mean) ** 2;
  assert.ok(Math.abs(mean) < 1e-5, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(v / tr.n) - 1) < 1e-5);
  // The constant column becomes 0, not NaN.
  assert.ok(tr.x.filter((_, k) => k % 2 === 1).every((x) => x === 0));
  // Test rows are mapped with the training mean/std: invert and find the original squares.
  const { mean: m, std: s } = ds.normalization!;
  for (let i = 0; i < ds.test!.n; i++) {
    const orig = ds.test!.x[2 * i] * s[0] + m[0];
    const root = Math.round(Math.sqrt(orig));
    assert.ok(Math.abs(orig - root * root) < 1e-2 * Math.max(1, orig), `test value ${orig} is not a square`);
  }
  // And the training statistics differ from the whole column's, so a leak would show.
  const all = Array.from({ length: 100 }, (_, i) => i * i);
  const allMean = all.reduce((a, b) => a + b, 0) / 100;
  assert.notEqual(m[0], allMean);
});

test('classification: labels become indices in sorted order (numeric labels numerically)', () => {
  const text = ['x,kind', '1,setosa', '2,virginica', '3,versicolor', '4,setosa', '5,virginica'].join('\n');
  const ds = data.csv({ path: file('cls.csv', text), target: 'kind', testFraction: 0, normalize: false }).load(ctx);
  assert.equal(ds.task, 'classification');
  assert.deepEqual(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.equal(ds.numClasses, 3);
  assert.deepEqual(ds.train.yShape, []);
  assert.equal(ds.test, undefined);
  const byX = new Map(Array.from({ length: ds.train.n }, (_, i) => [ds.train.x[i], ds.train.y[i]]));
  assert.deepEqual([1, 2, 3, 4, 5].map((x) => byX.get(x)), [0, 2, 1, 0, 2]);

  const num = ['x,grade', '1,10', '2,9', '3,100', '4,9'].join('\n');
  const dn = data.csv({ path: file('num.csv', num), target: 'grade', task: 'classification', testFraction: 0 }).load(ctx);
  assert.deepEqual(dn.classNames, ['9', '10', '100']);
});

test('binary: exactly two labels, y shaped [1]; more labels is an error that lists them', () => {
  const ok = ['x,spam', '1,no', '2,yes', '3,no', '4,yes'].join('\n');
  const ds = data.csv({ path: file('bin.csv', ok), target: 'spam', task: 'binary', testFraction: 0 }).load(ctx);
  assert.equal(ds.task, 'binary');
  assert.deepEqual(ds.train.yShape, [1]);
  assert.deepEqual(ds.classNames, ['no', 'yes']);
  const bad = ['x,spam', '1,no', '2,yes', '3,maybe'].join('\n');
  assert.throws(() => data.csv({ path: file('bin3.csv', bad), target: 'spam', task: 'binary' }).load(ctx), /task 'binary' needs exactly 2 distinct values in column 'spam', found 3: 'maybe', 'no', 'yes'/);
});

test('a missing file names the resolved path and the folder it was resolved against', () => {
  const src = data.csv({ path: 'nope/missing.csv', target: 'y' });
  assert.throws(() => src.load(ctx), (e: Error) => {
    assert.equal(e.name, 'DataError');
    assert.match(e.message, /^data\.csv: cannot read .*nope\/missing\.csv \(path 'nope\/missing\.csv' relative to the model file's folder .*\): file not found$/);
    assert.ok(e.message.includes(path.join(dir, 'nope', 'missing.csv')));
    return true;
  });
});

test('a missing target or feature column is named, with the available columns', () => {
  const p = file('cols.csv', 'area,rooms,price\n1,2,3\n');
  assert.throws(() => data.csv({ path: p, target: 'cost' }).load(ctx), /target column 'cost' not found in .*cols\.csv; available columns: 'area', 'rooms', 'price'/);
  assert.throws(() => data.csv({ path: p, target: 'price', features: ['area', 'garden', 'pool'] }).load(ctx), /feature columns 'garden', 'pool' not found in .*cols\.csv; available columns: 'area', 'rooms', 'price'/);
  assert.throws(() => data.csv({ path: p, target: 'price', features: ['price'] }).load(ctx), /column 'price' is both the target and a feature/);
});

test('non-numeric, empty and NaN cells are reported as file:line with row and column', () => {
  const p = file('bad.csv', 'a,b,y\n1,2,3\n4,five,6\n');
  assert.throws(() => data.csv({ path: p, target: 'y' }).load(ctx), (e: Error) => {
    assert.ok(e.message.includes(`${path.join(dir, 'bad.csv')}:3: row 2, column 'b': 'five' is not a finite number`), e.message);
    return true;
  });
  const e2 = file('empty.csv', 'a,b,y\n1,2,3\n4,,6\n7,8,9\n');
  assert.throws(() => data.csv({ path: e2, target: 'y' }).load(ctx), /empty\.csv:3: row 2, column 'b': empty cell/);
  const nan = file('nan.csv', 'a,b,y\n1,2,3\n4,5,6\nNaN,8,9\n');
  assert.throws(() => data.csv({ path: nan, target: 'y' }).load(ctx), /nan\.csv:4: row 3, column 'a': 'NaN' is not a finite number/);
  const t = file('target.csv', 'a,y\n1,3\n2,x\n');
  assert.throws(() => data.csv({ path: t, target: 'y', task: 'regression' }).load(ctx), /target\.csv:3: row 2, column 'y': 'x' is not a finite number, but task is 'regression'/);
  const ragged = file('ragged.csv', 'a,b,y\n1,2,3\n4,5\n');
  assert.throws(() => data.csv({ path: ragged, target: 'y' }).load(ctx), /ragged\.csv:3: row 2 has 2 cells but the header has 3 columns/);
  const quote = file('quote.csv', 'a,y\n1,2\n"3,4\n');
  assert.throws(() => data.csv({ path: quote, target: 'y' }).load(ctx), /quote\.csv:3: a quoted cell is never closed/);
  const dup = file('dup.csv', 'a,a,y\n1,2,3\n');
  assert.throws(() => data.csv({ path: dup, target: 'y' }).load(ctx), /dup\.csv:1: column 'a' appears twice/);
});

test('options are checked when the source is created', () => {
  assert.throws(() => data.csv({ path: '', target: 'y' }), /option 'path' is required/);
  assert.throws(() => data.csv({ path: 'a.csv', target: 'y', testFraction: 20 }), /option 'testFraction' must be a fraction in \[0, 1\)/);
  assert.throws(() => data.csv({ path: 'a.csv', target: 'y', task: 'ranking' as never }), /option 'task' must be one of 'regression', 'classification', 'binary'/);
  assert.throws(() => data.csv({ path: 'a.csv', target: 'y', label: 'y' } as never), /unknown option 'label'/);
});

test('the same seed gives the same split; another seed another one', () => {
  const rows = ['a,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i}`)];
  const p = file('seed.csv', rows.join('\n'));
  const a = data.csv({ path: p, target: 'y', normalize: false }).load(ctx);
  const b = data.csv({ path: p, target: 'y', normalize: false }).load(ctx);
  const c = data.csv({ path: p, target: 'y', normalize: false, seed: 1 }).load(ctx);
  assert.deepEqual(a.train.x, b.train.x);
  assert.notDeepEqual(a.train.x, c.train.x);
});

test('relative paths resolve against baseDir; the delimiter option is honoured', () => {
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'sub', 'semi.csv'), 'a;y\n1,5;2\n3;4\n');
  assert.throws(() => data.csv({ path: 'sub/semi.csv', target: 'y', delimiter: ';' }).load(ctx), /row 1, column 'a': '1,5' is not a finite number/);
  writeFileSync(path.join(dir, 'sub', 'semi2.csv'), 'a;y\n1.5;2\n3;4\n');
  const ds = data.csv({ path: 'sub/semi2.csv', target: 'y', delimiter: ';', testFraction: 0, normalize: false }).load(ctx);
  assert.deepEqual([...ds.train.x].sort(), [1.5, 3]);
});

test('the shipped example examples/data/housing-synthetic.csv loads as a 5-feature regression', () => {
  const ds = data.csv({ path: 'data/housing-synthetic.csv', target: 'price_k' }).load({ baseDir: path.join(ROOT, 'examples') });
  assert.deepEqual(ds.featureNames, ['area_m2', 'rooms', 'age_years', 'distance_km', 'garden']);
  assert.equal(ds.train.n + ds.test!.n, 200);
  assert.equal(ds.task, 'regression');
  assert.ok(ds.train.y.every((v) => Number.isFinite(v)));
});
