// torch.utils.data.DataLoader over a Split: batches of [inputs, targets] (also readable as { x, y }) Tensors whose shapes are the per-sample shapes
// prefixed by the batch size. Shuffling is reproducible: epoch e permutes with a generator derived from (seed, e)
// only, so the order of an epoch does not depend on how many epochs ran before or on any other random draw.
import { trainingHooks } from '../hooks';
import { defaultGenerator, Generator } from '../random';
import { Tensor } from '../tensor';
import { DataError } from './errors';
import { checkBool, checkInt, withDefaults } from './options';
import { sampleSize, type Split } from './types';

export interface DataLoaderOptions {
  batch_size: number;
  shuffle: boolean;
  seed: number;
  drop_last: boolean;
}

/**
 * One batch: `[inputs, targets]` as PyTorch's loader yields it (`for (const [inputs, targets] of loader)`), and the
 * same two tensors as `x` and `y` (`for (const { x, y } of loader)`, what defineTraining uses).
 */
export type Batch = readonly [inputs: Tensor, targets: Tensor] & {
  /** [B, ...xShape] */
  readonly x: Tensor;
  /** [B, ...yShape]; [B] for class indices. */
  readonly y: Tensor;
};

/** [x, y] with x and y also readable by name; the names are not enumerable, so the batch prints as a pair. */
export function makeBatch(x: Tensor, y: Tensor): Batch {
  const pair = [x, y];
  Object.defineProperty(pair, 'x', { value: x, enumerable: false });
  Object.defineProperty(pair, 'y', { value: y, enumerable: false });
  return pair as unknown as Batch;
}

/** A loader's iteration state (DataLoader.cursor): plain numbers, so a snapshot can keep it as it is. */
export interface LoaderCursor {
  /** The latest `for ... of`: its epoch and the batch it hands out next (len when it is done). */
  live: { epoch: number; batch: number } | null;
  /** The epoch and first batch of the next `for ... of`. */
  nextEpoch: number;
  nextStart: number;
}

function positional(batch_size: number, shuffle: unknown, rest: Partial<DataLoaderOptions> | undefined): Partial<DataLoaderOptions> {
  const opts = typeof shuffle === 'object' && shuffle !== null ? (shuffle as Partial<DataLoaderOptions>) : rest;
  const out: Partial<DataLoaderOptions> = { ...opts, batch_size };
  if (typeof shuffle !== 'object' && shuffle !== undefined) {
    if (opts?.shuffle !== undefined) throw new DataError('DataLoader', "got multiple values for 'shuffle'");
    out.shuffle = shuffle as boolean;
  }
  if (opts?.batch_size !== undefined) throw new DataError('DataLoader', "got multiple values for 'batch_size'");
  return out;
}

export class DataLoader implements Iterable<Batch> {
  readonly dataset: Split;
  readonly batch_size: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly drop_last: boolean;
  /** Per-sample input shape. */
  readonly xShape: number[];
  private readonly xSize: number;
  private readonly ySize: number;
  private nextEpoch = 0;
  /** The batch the next `for ... of` starts at (0 unless time travel skipped an epoch's first batch). */
  private nextStart = 0;
  /** The position of the latest `for ... of` (null before the first): what cursor() reports. */
  private live: { epoch: number; batch: number } | null = null;

  constructor(split: Split, options?: Partial<DataLoaderOptions>);
  /** PyTorch's positions: DataLoader(dataset, batch_size, shuffle, { ...the other options }). */
  constructor(split: Split, batch_size: number, shuffle?: boolean, options?: Partial<DataLoaderOptions>);
  constructor(split: Split, batch_size: number, options?: Partial<DataLoaderOptions>);
  constructor(split: Split, a?: Partial<DataLoaderOptions> | number, b?: boolean | Partial<DataLoaderOptions>, c?: Partial<DataLoaderOptions>) {
    const options = typeof a === 'number' ? positional(a, b, c) : a;
    if (typeof a !== 'number' && b !== undefined) throw new DataError('DataLoader', 'expected (dataset, options) or (dataset, batch_size, shuffle, options)');
    // PyTorch's defaults: batch_size 1, no shuffling, keep the last partial batch.
    const o = withDefaults('DataLoader', { batch_size: 1, shuffle: false, seed: 0, drop_last: false }, options);
    this.batch_size = checkInt('DataLoader', 'batch_size', o.batch_size, 1);
    this.shuffle = checkBool('DataLoader', 'shuffle', o.shuffle);
    // Without a seed of its own, a shuffling loader takes one from the global generator, as PyTorch's sampler does:
    // torch.manual_seed(n) before building it picks the order, and the order stays a function of (seed, epoch).
    this.seed = options?.seed === undefined && this.shuffle ? defaultGenerator.nextUint32() : checkInt('DataLoader', 'seed', o.seed, 0, 0xffffffff);
    this.drop_last = checkBool('DataLoader', 'drop_last', o.drop_last);
    if (!split || !(split.x instanceof Float32Array) || !(split.y instanceof Float32Array) || !Number.isInteger(split.n)) {
      throw new DataError('DataLoader', 'expected a Split { x, y, n, yShape } such as dataset.train');
    }
    this.xShape = split.xShape ? [...split.xShape] : [split.n > 0 ? split.x.length / split.n : 0];
    this.xSize = sampleSize(this.xShape);
    this.ySize = sampleSize(split.yShape);
    if (split.x.length !== split.n * this.xSize || split.y.length !== split.n * this.ySize) {
      throw new DataError(
        'DataLoader',
        `split sizes disagree: n = ${split.n}, x has ${split.x.length} values (expected ${split.n} x ${this.xSize}), y has ${split.y.length} (expected ${split.n} x ${this.ySize})`,
      );
    }
    this.dataset = split;
  }

  /** Number of batches per epoch (len(loader) in PyTorch). */
  get len(): number {
    const n = this.dataset.n;
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }

  get length(): number {
    return this.len;
  }

  /** The epoch the next `for ... of` will run (0 first); each iteration started moves it on by one. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** Like DistributedSampler.set_epoch: makes the next `for ... of` use epoch e's order (e.g. when resuming). */
  set_epoch(e: number): void {
    this.nextEpoch = checkInt('DataLoader', 'epoch', e, 0);
  }

  [Symbol.iterator](): Iterator<Batch> {
    const position = { epoch: this.nextEpoch++, batch: this.nextStart };
    this.nextStart = 0;
    this.live = position;
    const inner = this.iterate(position);
    if (!trainingHooks()) return inner;
    // Instrumented (a script's run): the session learns which batch is in hand and when the epoch ran out.
    return {
      next: (): IteratorResult<Batch> => {
        const { epoch, batch: index } = position;
        const r = inner.next();
        const hooks = trainingHooks();
        if (r.done) hooks?.loaderExhausted?.(this, position.epoch);
        else hooks?.batch?.(this, r.value, index, epoch);
        return r;
      },
      return: (value?: unknown): IteratorResult<Batch> => inner.return?.(value) ?? { done: true, value: undefined },
    };
  }

  /**
   * Where iteration stands: the latest `for ... of`'s epoch and next batch, and where the next one starts. The
   * order is not kept: it is a function of (seed, epoch) alone. Time travel saves this and puts it back.
   */
  cursor(): LoaderCursor {
    return { live: this.live ? { ...this.live } : null, nextEpoch: this.nextEpoch, nextStart: this.nextStart };
  }

  /**
   * Puts a cursor back. The running `for ... of` (the latest started) goes on from the cursor's batch, even when it
   * was started for another epoch: the user's loop receives the restored batch next.
   */
  restoreCursor(c: LoaderCursor): void {
    if (c.live && this.live) Object.assign(this.live, c.live);
    else if (c.live) this.live = { ...c.live };
    this.nextEpoch = c.nextEpoch;
    this.nextStart = c.nextStart;
  }

  /** Leaves out the batch the loader would hand out next (time travel's "skip this batch"); returns which it was. */
  skipNext(): { epoch: number; batch: number } {
    const live = this.live;
    if (live && live.batch < this.len) return { epoch: live.epoch, batch: live.batch++ };
    return { epoch: this.nextEpoch, batch: this.nextStart++ };
  }

  /** The batch the loader would hand out next: the running iteration's, or the first of the next one. */
  peekNext(): { epoch: number; batch: number } {
    const live = this.live;
    return live && live.batch < this.len ? { epoch: live.epoch, batch: live.batch } : { epoch: this.nextEpoch, batch: this.nextStart };
  }

  /** One iteration, reading its position at each batch so that restoreCursor can move it. */
  private *iterate(position: { epoch: number; batch: number }): IterableIterator<Batch> {
    let epoch = -1;
    let order: Int32Array | null = null;
    while (position.batch < this.len) {
      if (position.epoch !== epoch) {
        epoch = position.epoch;
        order = this.shuffle ? this.order(epoch) : null;
      }
      yield this.batchAt(order, position.batch++);
    }
  }

  /** The sample order of epoch e: identity without shuffle, else a permutation from a generator seeded by (seed, e). */
  order(e: number): Int32Array {
    const n = this.dataset.n;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    return new Generator(this.seed).fork(e).randperm(n);
  }

  /** The batches of epoch e, independent of the loader's own epoch counter. */
  *batches(e: number): IterableIterator<Batch> {
    const order = this.shuffle ? this.order(e) : null;
    for (let b = 0; b < this.len; b++) yield this.batchAt(order, b);
  }

  /** Batch b of an epoch whose sample order is `order` (null: in order). */
  private batchAt(order: Int32Array | null, b: number): Batch {
    const { x: sx, y: sy, n, yShape } = this.dataset;
    const xs = this.xSize;
    const ys = this.ySize;
    const start = b * this.batch_size;
    const size = Math.min(this.batch_size, n - start);
    let x: Float32Array;
    let y: Float32Array;
    if (order === null) {
      // In order: one contiguous copy. A fresh buffer per batch, since models may keep the tensors they are given.
      x = sx.slice(start * xs, (start + size) * xs);
      y = sy.slice(start * ys, (start + size) * ys);
    } else {
      x = new Float32Array(size * xs);
      y = new Float32Array(size * ys);
      for (let k = 0; k < size; k++) {
        const i = order[start + k];
        x.set(sx.subarray(i * xs, (i + 1) * xs), k * xs);
        if (ys === 1) y[k] = sy[i];
        else y.set(sy.subarray(i * ys, (i + 1) * ys), k * ys);
      }
    }
    return makeBatch(new Tensor(x, [size, ...this.xShape]), new Tensor(y, [size, ...yShape]));
  }
}
