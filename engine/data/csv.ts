// data.csv(): a table with a header row. Feature columns must be numeric; the target is numeric (regression) or any
// labels (classification / binary, mapped to indices in sorted order). Rows are shuffled with Generator(seed) and
// split; features are z-scored with statistics of the training part.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Generator } from '../random';
import { CsvSyntaxError, forEachCsvRow } from './csv-parse';
import { DataError } from './errors';
import { applyStats, featureStats } from './normalize';
import { checkBool, checkFraction, checkInt, checkOneOf, withDefaults } from './options';
import { holdOut } from './split';
import type { Dataset, DataSource, LoadContext } from './types';

/** Node cannot hold a longer file as one string (V8's limit is 512 MB); a clear error beats a raw RangeError. */
const MAX_CSV_BYTES = 500 * 2 ** 20;

export type CsvTask = 'regression' | 'classification' | 'binary';

export interface CsvOptions {
  /** Relative paths resolve against the model file's folder (or the working directory when loaded without one). */
  path: string;
  target: string;
  /** Default: every column except the target. */
  features: string[] | undefined;
  /** Default: regression when every target cell is a number, classification otherwise. */
  task: CsvTask | undefined;
  normalize: boolean;
  testFraction: number;
  delimiter: string;
  seed: number;
}

export function csv(options: Partial<CsvOptions> & { path: string; target: string }): DataSource<'csv', CsvOptions> {
  const o = withDefaults<CsvOptions>(
    'csv',
    { path: '', target: '', features: undefined, task: undefined, normalize: true, testFraction: 0.2, delimiter: ',', seed: 0 },
    options,
  );
  if (typeof o.path !== 'string' || o.path === '') throw new DataError('csv', `option 'path' is required: the CSV file, relative to the model file`);
  if (typeof o.target !== 'string' || o.target === '') throw new DataError('csv', `option 'target' is required: the name of the column to predict`);
  if (o.features !== undefined && (!Array.isArray(o.features) || o.features.some((f) => typeof f !== 'string'))) {
    throw new DataError('csv', `option 'features' must be an array of column names`);
  }
  if (o.task !== undefined) checkOneOf<CsvTask>('csv', 'task', o.task, ['regression', 'classification', 'binary']);
  checkBool('csv', 'normalize', o.normalize);
  checkFraction('csv', 'testFraction', o.testFraction);
  checkInt('csv', 'seed', o.seed, 0, 0xffffffff);
  if (typeof o.delimiter !== 'string' || o.delimiter === '' || /["\r\n]/.test(o.delimiter)) {
    throw new DataError('csv', `option 'delimiter' must be a non-empty string without quotes or newlines, got ${JSON.stringify(o.delimiter)}`);
  }
  return { kind: 'csv', options: o, load: (ctx?: LoadContext) => loadCsv(o, ctx) };
}

function loadCsv(o: CsvOptions, ctx: LoadContext | undefined): Dataset {
  const baseDir = ctx?.baseDir ?? process.cwd();
  const file = path.resolve(baseDir, o.path);
  const fail = (msg: string): never => {
    throw new DataError('csv', msg);
  };
  let text = '';
  try {
    const size = statSync(file).size;
    if (size > MAX_CSV_BYTES) {
      fail(`${file} is ${(size / 2 ** 20).toFixed(0)} MB: data.csv loads files up to ${MAX_CSV_BYTES / 2 ** 20} MB into memory; use a sample of the rows (or fewer columns)`);
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    fail(`cannot read ${file} (path '${o.path}' relative to ${ctx ? "the model file's folder" : 'the working directory'} ${baseDir}): ${why}`);
  }
  // One pass over the rows, straight into the feature matrix: no row is kept (see forEachCsvRow).
  let header: string[] | null = null;
  let features: string[] = [];
  let cols: number[] = [];
  let tCol = -1;
  let nF = 0;
  let x = new Float32Array(0);
  let n = 0;
  const labels: string[] = [];
  const lines: number[] = [];
  const onHeader = (cells: string[], line: number): void => {
    const h = cells.map((c) => c.trim());
    const seen = new Set<string>();
    for (const name of h) {
      if (seen.has(name)) fail(`${file}:${line}: column '${name}' appears twice in the header`);
      seen.add(name);
    }
    const available = `available columns: ${h.map((c) => `'${c}'`).join(', ')}`;
    if (!seen.has(o.target)) fail(`target column '${o.target}' not found in ${file}; ${available}`);
    features = o.features ?? h.filter((c) => c !== o.target);
    const missing = features.filter((f) => !seen.has(f));
    if (missing.length > 0) fail(`feature column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} not found in ${file}; ${available}`);
    if (features.includes(o.target)) fail(`column '${o.target}' is both the target and a feature; remove it from 'features'`);
    if (features.length === 0) fail(`no feature columns: ${file} has only the target column '${o.target}'`);
    nF = features.length;
    cols = features.map((f) => h.indexOf(f));
    tCol = h.indexOf(o.target);
    // A first guess at the row count from the file size, so the matrix rarely grows.
    x = new Float32Array(Math.max(16, Math.ceil(text.length / Math.max(8, 4 * h.length))) * nF);
    header = h;
  };
  const onData = (cells: string[], line: number, width: number): void => {
    const r = n;
    if (cells.length !== width) {
      fail(`${file}:${line}: row ${r + 1} has ${cells.length} cells but the header has ${width} columns (delimiter ${JSON.stringify(o.delimiter)})`);
    }
    if ((r + 1) * nF > x.length) {
      const grown = new Float32Array(x.length * 2);
      grown.set(x);
      x = grown;
    }
    for (let j = 0; j < nF; j++) {
      const cell = cells[cols[j]].trim();
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        fail(`${file}:${line}: row ${r + 1}, column '${features[j]}': ${cell === '' ? 'empty cell' : `'${cell}' is not a finite number`}; feature columns must be numeric (leave text columns out with 'features')`);
      }
      x[r * nF + j] = v;
    }
    labels.push(cells[tCol].trim());
    lines.push(line);
    n++;
  };
  try {
    forEachCsvRow(text, o.delimiter, (cells, line) => (header === null ? onHeader(cells, line) : onData(cells, line, header.length)));
  } catch (e) {
    if (e instanceof CsvSyntaxError) fail(`${file}:${e.line}: ${e.message}`);
    throw e;
  }
  text = '';
  if (header === null) fail(`${file} is empty: expected a header row naming the columns`);
  if (n === 0) fail(`${file} has a header but no data rows`);
  x = x.length === n * nF ? x : x.slice(0, n * nF);

  const emptyAt = labels.findIndex((l) => l === '');
  if (emptyAt >= 0) fail(`${file}:${lines[emptyAt]}: row ${emptyAt + 1}, column '${o.target}': empty target cell`);
  const numeric = labels.map(Number);
  const task = o.task ?? (numeric.every(Number.isFinite) ? 'regression' : 'classification');
  const y = new Float32Array(n);
  let classNames: string[] | undefined;
  if (task === 'regression') {
    numeric.forEach((v, r) => {
      if (!Number.isFinite(v)) fail(`${file}:${lines[r]}: row ${r + 1}, column '${o.target}': '${labels[r]}' is not a finite number, but task is 'regression' (use task: 'classification' for labels)`);
      y[r] = v;
    });
  } else {
    const distinct = [...new Set(labels)];
    const allNumeric = distinct.every((l) => Number.isFinite(Number(l)));
    classNames = distinct.sort(allNumeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (task === 'binary' && classNames.length !== 2) {
      fail(`task 'binary' needs exactly 2 distinct values in column '${o.target}', found ${classNames.length}: ${classNames.slice(0, 10).map((c) => `'${c}'`).join(', ')}${classNames.length > 10 ? ', ...' : ''}`);
    }
    const index = new Map(classNames.map((c, k) => [c, k]));
    labels.forEach((l, r) => (y[r] = index.get(l) ?? 0));
  }
  const yShape = task === 'classification' ? [] : [1];

  const { train, test } = holdOut({ x, y, n, yShape, xShape: [nF] }, nF, o.testFraction, new Generator(o.seed));
  const ds: Dataset = { name: path.basename(file), task, inputShape: [nF], train, featureNames: features };
  if (test) ds.test = test;
  if (classNames) {
    ds.classNames = classNames;
    if (task === 'classification') ds.numClasses = classNames.length;
  }
  if (o.normalize) {
    const stats = featureStats(train.x, train.n, nF);
    applyStats(train.x, nF, stats);
    if (test) applyStats(test.x, nF, stats);
    ds.normalization = stats;
  }
  return ds;
}
