// torchvision.transforms for the bundled MNIST: Compose, ToTensor and Normalize, each a function of one sample as
// PyTorch's are callables. A dataset sample starts as a grayscale Image (torchvision gives a PIL image); ToTensor
// turns it into a [1, H, W] Tensor; Normalize works on that Tensor, channel by channel.
import { Tensor } from '../tensor';
import { DataError } from './errors';

/** A grayscale image as torchvision's MNIST yields it (a PIL image in mode 'L'), pixels already scaled to [0, 1]. */
export class Image {
  readonly mode = 'L';
  constructor(
    /** height * width pixels, row-major, in [0, 1]. */
    readonly pixels: Float32Array,
    readonly height: number,
    readonly width: number,
  ) {}

  /** PIL's size: [width, height]. */
  get size(): [number, number] {
    return [this.width, this.height];
  }
}

export type Sample = Image | Tensor;
export type Transform = (sample: Sample) => Sample;

/** transforms.Compose([t1, t2, ...]): applies each transform in turn. */
export function Compose(list: readonly Transform[]): Transform {
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'function')) {
    throw new DataError('transforms.Compose', 'expected an array of transforms, e.g. [transforms.ToTensor(), transforms.Normalize([0.1307], [0.3081])]');
  }
  const steps = [...list];
  return (sample) => steps.reduce((s, t) => t(s), sample);
}

/**
 * transforms.ToTensor(): an Image becomes a float32 Tensor [1, H, W]. torchvision divides uint8 pixels by 255; the
 * bundled pixels are already those quotients (see mnist.ts), so the values are kept as they are.
 */
export function ToTensor(): Transform {
  return (sample) => {
    if (!(sample instanceof Image)) throw new DataError('transforms.ToTensor', 'expected an image (a dataset sample before any tensor transform); got a Tensor');
    return new Tensor(sample.pixels.slice(), [1, sample.height, sample.width]);
  };
}

function perChannel(what: string, v: number | readonly number[]): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? [...v] : [];
  if (list.length === 0 || list.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new DataError('transforms.Normalize', `${what} must be a number or an array of numbers, one per channel (PyTorch's (0.1307,) is [0.1307]); got ${String(v)}`);
  }
  return list;
}

/**
 * transforms.Normalize(mean, std): output[c] = (input[c] - mean[c]) / std[c] on a [C, H, W] Tensor, in float32 as
 * torchvision's tensor.sub_(mean).div_(std) computes it. A one-element mean or std applies to every channel.
 */
export function Normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const m = perChannel('mean', mean).map(Math.fround);
  const s = perChannel('std', std).map(Math.fround);
  if (s.some((x) => x === 0)) throw new DataError('transforms.Normalize', 'std evaluated to zero, leading to division by zero');
  return (sample) => {
    if (!(sample instanceof Tensor) || sample.shape.length < 3) {
      throw new DataError('transforms.Normalize', 'expected a Tensor [C, H, W]; put transforms.ToTensor() before Normalize in Compose');
    }
    const channels = sample.shape[sample.shape.length - 3];
    for (const [name, v] of [['mean', m], ['std', s]] as const) {
      if (v.length !== 1 && v.length !== channels) throw new DataError('transforms.Normalize', `${name} has ${v.length} values but the tensor has ${channels} channels`);
    }
    const plane = sample.shape[sample.shape.length - 2] * sample.shape[sample.shape.length - 1];
    const src = sample.data;
    const out = new Float32Array(src.length);
    for (let k = 0; k < src.length; k++) {
      const c = Math.floor(k / plane) % channels;
      out[k] = Math.fround(Math.fround(src[k] - m[m.length === 1 ? 0 : c]) / s[s.length === 1 ? 0 : c]);
    }
    return new Tensor(out, sample.shape);
  };
}
