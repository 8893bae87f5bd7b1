// Tensor methods PyTorch scripts reach for that are built from other ops: .to(device)/.cpu()/.float() (no-ops on
// the CPU in float32), split, chunk, view_as, new_zeros, and the comparisons (1/0 in float32 where PyTorch gives
// bool). Added to Tensor's prototype here, beside tensor.ts, to keep that file to the core.
import { toDevice, type DeviceLike } from './device';
import { normDim } from './ops/reduce';
import { narrow, reshape } from './ops/shape';
import * as sel from './ops/select';
import { Tensor } from './tensor';

type Operand = Tensor | number;

declare module './tensor' {
  interface Tensor {
    /** This tensor: Gradlens computes on the CPU in float32; any other device throws. */
    to(device: DeviceLike): Tensor;
    cpu(): Tensor;
    /** This tensor (already float32). */
    float(): Tensor;
    /** Splits into pieces of split_size along dim (the last may be smaller), or into the listed sizes. */
    split(split_size_or_sections: number | readonly number[], dim?: number): Tensor[];
    /** Splits into `chunks` pieces of ceil(size / chunks) along dim, as torch.chunk. */
    chunk(chunks: number, dim?: number): Tensor[];
    view_as(other: Tensor): Tensor;
    new_zeros(...size: number[] | [readonly number[]]): Tensor;
    new_ones(...size: number[] | [readonly number[]]): Tensor;
    eq(other: Operand): Tensor;
    ne(other: Operand): Tensor;
    gt(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    ge(other: Operand): Tensor;
    le(other: Operand): Tensor;
  }
}

/** A size given as varargs (2, 3) or as one array ([2, 3]), as PyTorch accepts both. */
export function sizeArgs(size: readonly unknown[], where: string): number[] {
  const flat = size.length === 1 && Array.isArray(size[0]) ? (size[0] as unknown[]) : size;
  for (const s of flat) {
    if (!Number.isInteger(s) || (s as number) < 0) throw new TypeError(`${where}: size must be non-negative integers, got ${JSON.stringify(size)}`);
  }
  return flat as number[];
}

function splitSizes(x: Tensor, split: number | readonly number[], d: number, where: string): number[] {
  const len = x.shape[d];
  if (typeof split === 'number') {
    if (!Number.isInteger(split) || split < 1) throw new Error(`${where}: split_size must be a positive integer, got ${split}`);
    const sizes: number[] = [];
    for (let s = 0; s < len; s += split) sizes.push(Math.min(split, len - s));
    return sizes.length ? sizes : [0];
  }
  const total = split.reduce((a, b) => a + b, 0);
  if (total !== len) {
    throw new Error(`${where}: split_with_sizes expects split_size_or_sections [${split.join(', ')}] to sum to ${len} (the size of dim ${d}), but they sum to ${total}`);
  }
  return split.slice();
}

function pieces(x: Tensor, sizes: readonly number[], d: number): Tensor[] {
  let start = 0;
  return sizes.map((n) => {
    const t = narrow(x, d, start, n);
    start += n;
    return t;
  });
}

const proto = Tensor.prototype;
proto.to = function (this: Tensor, device: DeviceLike): Tensor {
  toDevice(device, 'Tensor.to()');
  return this;
};
proto.cpu = function (this: Tensor): Tensor {
  return this;
};
proto.float = function (this: Tensor): Tensor {
  return this;
};
proto.split = function (this: Tensor, split: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim(dim, this.shape.length, 'split');
  return pieces(this, splitSizes(this, split, d, 'Tensor.split()'), d);
};
proto.chunk = function (this: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`Tensor.chunk(): chunks must be a positive integer, got ${chunks}`);
  const d = normDim(dim, this.shape.length, 'chunk');
  return this.split(Math.max(1, Math.ceil(this.shape[d] / chunks)), d);
};
proto.view_as = function (this: Tensor, other: Tensor): Tensor {
  return reshape(this, other.shape, 'view_as');
};
proto.new_zeros = function (this: Tensor, ...size: number[] | [readonly number[]]): Tensor {
  const shape = sizeArgs(size, 'Tensor.new_zeros()');
  return new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
};
proto.new_ones = function (this: Tensor, ...size: number[] | [readonly number[]]): Tensor {
  const shape = sizeArgs(size, 'Tensor.new_ones()');
  return new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
};
proto.eq = function (this: Tensor, o: Operand): Tensor {
  return sel.eq(this, o);
};
proto.ne = function (this: Tensor, o: Operand): Tensor {
  return sel.ne(this, o);
};
proto.gt = function (this: Tensor, o: Operand): Tensor {
  return sel.gt(this, o);
};
proto.lt = function (this: Tensor, o: Operand): Tensor {
  return sel.lt(this, o);
};
proto.ge = function (this: Tensor, o: Operand): Tensor {
  return sel.ge(this, o);
};
proto.le = function (this: Tensor, o: Operand): Tensor {
  return sel.le(this, o);
};
