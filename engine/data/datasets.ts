// torchvision.datasets.MNIST and torch.utils.data.TensorDataset. Both are Splits (x, y, n, xShape, yShape), so the
// DataLoader batches them as it batches data.mnist().load().train; both index like PyTorch's: dataset.get(i) is the
// pair [sample, target] and dataset.length is len(dataset).
import { Tensor } from '../tensor';
import { DataError } from './errors';
import { mnist } from './mnist';
import type { Split } from './types';
import { Image, type Transform } from './transforms';

export interface MNISTOptions {
  /** The 8,000 training digits (true, PyTorch's default) or the 2,000 test digits. */
  train: boolean;
  /** Applied to each image when the dataset is built; transforms.ToTensor() makes it batchable. */
  transform: Transform;
  /** Accepted for PyTorch's scripts and ignored: the digits are bundled, nothing is downloaded. */
  download: boolean;
}

/**
 * datasets.MNIST(root, { train, transform, download }) over the bundled digits of data.mnist() (its train and test
 * split, unnormalised pixels in [0, 1]). `root` is accepted and ignored: nothing is read from or written to disk.
 * Targets are class indices. Transforms run once per sample here rather than per access: they are deterministic.
 */
export class MNIST implements Split {
  readonly root: string;
  readonly train: boolean;
  readonly n: number;
  readonly y: Float32Array;
  readonly yShape: number[] = [];
  readonly classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];
  private readonly images: Float32Array;
  private readonly transformed: Tensor[] | null = null;
  private xCache: Float32Array | null = null;
  private readonly sampleShape: number[] | null = null;

  constructor(root = './data', options?: Partial<MNISTOptions>) {
    if (typeof root !== 'string') throw new DataError('datasets.MNIST', `root must be a string (it is accepted and ignored); got ${typeof root}`);
    const o = { train: true, download: false, ...options };
    if (typeof o.train !== 'boolean') throw new DataError('datasets.MNIST', 'train must be true or false');
    if (o.transform !== undefined && typeof o.transform !== 'function') throw new DataError('datasets.MNIST', 'transform must be a transform such as transforms.ToTensor()');
    this.root = root;
    this.train = o.train;
    const ds = mnist({ normalize: false }).load();
    const split = o.train ? ds.train : ds.test;
    if (!split) throw new DataError('datasets.MNIST', 'the bundled digits have no test split');
    this.n = split.n;
    this.y = split.y;
    this.images = split.x;
    if (o.transform) {
      const t = o.transform;
      this.transformed = Array.from({ length: this.n }, (_, i) => {
        const out = t(this.image(i));
        if (!(out instanceof Tensor)) throw new DataError('datasets.MNIST', 'the transform must end in a Tensor (add transforms.ToTensor())');
        return out;
      });
      this.sampleShape = this.n > 0 ? [...this.transformed[0].shape] : [1, 28, 28];
    }
  }

  private image(i: number): Image {
    return new Image(this.images.slice(i * 784, (i + 1) * 784), 28, 28);
  }

  /** len(dataset) */
  get length(): number {
    return this.n;
  }

  /** dataset[i]: [the transformed image (or the Image without a transform), the digit]. */
  get(i: number): [Tensor | Image, number] {
    if (!Number.isInteger(i) || i < -this.n || i >= this.n) throw new DataError('datasets.MNIST', `index ${i} is out of range for ${this.n} samples`);
    const k = i < 0 ? i + this.n : i;
    return [this.transformed ? this.transformed[k] : this.image(k), this.y[k]];
  }

  /** Per-sample input shape for the DataLoader: the transform's output shape. */
  get xShape(): number[] {
    if (!this.sampleShape) throw this.notBatchable();
    return [...this.sampleShape];
  }

  /** Every transformed sample back to back, built on first use (what the DataLoader reads). */
  get x(): Float32Array {
    if (!this.transformed || !this.sampleShape) throw this.notBatchable();
    if (!this.xCache) {
      const size = this.sampleShape.reduce((a, b) => a * b, 1);
      this.xCache = new Float32Array(this.n * size);
      this.transformed.forEach((t, k) => {
        if (t.data.length !== size) throw new DataError('datasets.MNIST', `sample ${k} has shape [${t.shape.join(', ')}] but sample 0 has [${this.sampleShape?.join(', ')}]`);
        this.xCache?.set(t.data, k * size);
      });
    }
    return this.xCache;
  }

  private notBatchable(): DataError {
    return new DataError('datasets.MNIST', 'the samples are images, which a DataLoader cannot batch; pass { transform: transforms.ToTensor() } (PyTorch fails the same way)');
  }
}

/** TensorDataset(inputs, targets): sample i is [inputs[i], targets[i]]; both tensors share their first dimension. */
export class TensorDataset implements Split {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly xShape: number[];
  readonly yShape: number[];
  readonly tensors: readonly [Tensor, Tensor];

  constructor(...tensors: Tensor[]) {
    if (tensors.length !== 2 || !tensors.every((t) => t instanceof Tensor)) {
      throw new DataError('TensorDataset', `expected two tensors (inputs, targets); got ${tensors.length} argument(s)`);
    }
    const [inputs, targets] = tensors;
    if (inputs.shape.length === 0 || targets.shape.length === 0 || inputs.shape[0] !== targets.shape[0]) {
      throw new DataError('TensorDataset', `size mismatch between tensors: inputs [${inputs.shape.join(', ')}], targets [${targets.shape.join(', ')}] (the first dimensions must be equal)`);
    }
    this.tensors = [inputs, targets];
    this.n = inputs.shape[0];
    this.x = inputs.data;
    this.y = targets.data;
    this.xShape = inputs.shape.slice(1);
    this.yShape = targets.shape.slice(1);
  }

  get length(): number {
    return this.n;
  }

  /** dataset[i]: [inputs[i], targets[i]] as tensors of the per-sample shapes. */
  get(i: number): [Tensor, Tensor] {
    if (!Number.isInteger(i) || i < -this.n || i >= this.n) throw new DataError('TensorDataset', `index ${i} is out of range for ${this.n} samples`);
    const k = i < 0 ? i + this.n : i;
    const xs = this.x.length / Math.max(this.n, 1);
    const ys = this.y.length / Math.max(this.n, 1);
    return [new Tensor(this.x.slice(k * xs, (k + 1) * xs), this.xShape), new Tensor(this.y.slice(k * ys, (k + 1) * ys), this.yShape)];
  }
}
