// What every generated dataset shares: a seed, a held-out test fraction, and one way to turn a fill function into
// a lazy source. Samples are generated in a fixed order from Generator(seed), then shuffled with the same generator
// and split (as sklearn's make_* functions with shuffle=True followed by train_test_split).
import { Generator } from '../../random';
import { DataError } from '../errors';
import { checkFraction, checkInt, checkOneOf, withDefaults } from '../options';
import { holdOut } from '../split';
import { sampleSize, type Dataset, type DataSource, type Task } from '../types';

export interface CommonOptions {
  /** Total number of samples, before the test split. */
  n: number;
  /** Seed of the generator that draws the samples and the split. */
  seed: number;
  /** Fraction of the samples held out as the test split. */
  testFraction: number;
}

export const COMMON_DEFAULTS: CommonOptions = { n: 200, seed: 0, testFraction: 0.2 };

/** Two-class sets can be framed for BCEWithLogitsLoss (binary, y shape [1]) or CrossEntropyLoss (classification). */
export type TwoClassTask = 'binary' | 'classification';

export interface Generated {
  task: Task;
  inputShape: number[];
  yShape: number[];
  numClasses?: number;
  featureNames?: string[];
  classNames?: string[];
  /** Writes n samples into x (n * prod(inputShape)) and y (n * prod(yShape)). */
  fill(gen: Generator, x: Float32Array, y: Float32Array, n: number): void;
}

export function resolveOptions<T extends CommonOptions>(kind: string, defaults: T, given: Partial<T> | undefined): T {
  const o = withDefaults(kind, defaults, given);
  checkInt(kind, 'n', o.n, 1);
  checkInt(kind, 'seed', o.seed, 0, 0xffffffff);
  checkFraction(kind, 'testFraction', o.testFraction);
  return o;
}

export function twoClass(kind: string, task: unknown): Pick<Generated, 'task' | 'yShape' | 'numClasses'> {
  const t = checkOneOf<TwoClassTask>(kind, 'task', task, ['binary', 'classification']);
  return t === 'binary' ? { task: 'binary', yShape: [1] } : { task: 'classification', yShape: [], numClasses: 2 };
}

/** Builds the lazy source; `describe` runs at load time so a source stays cheap to create. */
export function generatedSource<K extends string, O extends CommonOptions>(
  kind: K,
  options: O,
  describe: (o: O) => Generated,
): DataSource<K, O> {
  return {
    kind,
    options,
    load(): Dataset {
      const g = describe(options);
      const gen = new Generator(options.seed);
      const xSize = sampleSize(g.inputShape);
      const all = {
        x: new Float32Array(options.n * xSize),
        y: new Float32Array(options.n * sampleSize(g.yShape)),
        n: options.n,
        yShape: g.yShape,
        xShape: g.inputShape,
      };
      g.fill(gen, all.x, all.y, options.n);
      const { train, test } = holdOut(all, xSize, options.testFraction, gen);
      if (train.n === 0) throw new DataError(kind, `testFraction ${options.testFraction} leaves no training samples out of n = ${options.n}`);
      const ds: Dataset = { name: kind, task: g.task, inputShape: g.inputShape, train };
      if (test) ds.test = test;
      if (g.numClasses !== undefined) ds.numClasses = g.numClasses;
      if (g.featureNames) ds.featureNames = g.featureNames;
      if (g.classNames) ds.classNames = g.classNames;
      return ds;
    },
  };
}
