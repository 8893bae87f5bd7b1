// The shapes every data source produces. A Dataset is plain typed arrays (no Tensors) so it can be built, cached and
// split without touching autograd; the DataLoader turns slices of it into Tensors batch by batch.

export type Task = 'classification' | 'binary' | 'regression' | 'sequence';

/** One partition (train or test) of a dataset, samples stored back to back in row-major order. */
export interface Split {
  /** n * prod(inputShape) input values. */
  x: Float32Array;
  /** n * prod(yShape) targets. Class targets are class indices stored as float32. */
  y: Float32Array;
  /** Number of samples. */
  n: number;
  /** Per-sample target shape: [] for a scalar target (a class index), [1] for one value per sample. */
  yShape: number[];
  /**
   * Per-sample input shape (the Dataset's inputShape), so a Split alone is enough for a DataLoader. Every source
   * sets it; when absent, samples are taken as flat vectors of x.length / n values.
   */
  xShape?: number[];
}

export interface Dataset {
  name: string;
  /**
   * classification: y is a class index in [0, numClasses) (CrossEntropyLoss); binary: y is 0 or 1 with yShape [1]
   * (BCEWithLogitsLoss on a [B, 1] output); regression: y holds values; sequence: x is [length, features] per
   * sample, y is a class index when numClasses is set and values otherwise.
   */
  task: Task;
  /** Per-sample input shape, e.g. [1, 28, 28] or [2]. */
  inputShape: number[];
  numClasses?: number;
  train: Split;
  test?: Split;
  /** Names of the input features (CSV columns, 'x0', 'x1' for synthetic points), for displays. */
  featureNames?: string[];
  /** Label of each class index, for displays (CSV labels in sorted order, digits '0'..'9'). */
  classNames?: string[];
  /** The z-score statistics that were applied to the inputs, computed on the training part only. */
  normalization?: { mean: number[]; std: number[] };
}

/** What the trainer passes to load(): relative paths resolve against baseDir (the model file's folder). */
export interface LoadContext {
  baseDir: string;
}

/** What each data.xxx(options) call returns. Nothing is read or generated until load() is called. */
export interface DataSource<Kind extends string = string, Options = unknown> {
  readonly kind: Kind;
  /** The options with every default filled in. */
  readonly options: Options;
  load(ctx?: LoadContext): Dataset;
}

export function sampleSize(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}
