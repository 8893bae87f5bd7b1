// Tensor methods PyTorch scripts reach for that are built from other ops: .to(device)/.cpu()/.float() (no-ops on
// the CPU in float32), split, chunk, view_as, new_zeros, the comparisons (1/0 in float32 where PyTorch gives
// bool), and the in-place arithmetic of a hand-written update (add_, sub_, mul_, div_, clamp_ with PyTorch's
// broadcasting and `alpha`). Added to Tensor's prototype here, beside tensor.ts, to keep that file to the core.
import { is_grad_enabled, no_grad } from './autograd';
import { toDevice, type DeviceLike } from './device';
import { isPlainObject } from './signature';
import { forgetFinite } from './finite';
import * as bin from './ops/binary';
import { clamp as clampOp } from './ops/unary';
import { maxWithIndices, normDim } from './ops/reduce';
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
    /** self += alpha * other in place (other broadcast to self's shape), as PyTorch's add_(other, *, alpha=1). */
    add_(other: Operand, options?: { alpha?: number }): this;
    /** self -= alpha * other in place, as PyTorch's sub_(other, *, alpha=1). */
    sub_(other: Operand, options?: { alpha?: number }): this;
    mul_(other: Operand): this;
    div_(other: Operand): this;
    clamp_(min?: number | null, max?: number | null): this;
    /**
     * Along a dim: the values, which also unpack as PyTorch's (values, indices) pair,
     * `const [values, indices] = x.max(1)`, and carry `.values` and `.indices`. Without a dim: the largest value.
     */
    max(dim: number, keepdim?: boolean): ValuesAndIndices;
    min(dim: number, keepdim?: boolean): ValuesAndIndices;
  }
}

/**
 * What Tensor.max(dim) / min(dim) return: the values tensor (as Gradlens always gave), which destructures as
 * PyTorch's named tuple does. The indices (float32 numbers, like torch.max's) are computed when first asked for.
 */
export type ValuesAndIndices = Tensor & { readonly values: Tensor; readonly indices: Tensor; [Symbol.iterator](): Iterator<Tensor> };

/**
 * PyTorch's rules for an in-place update, which Gradlens cannot record in the autograd graph: under gradients, a
 * leaf that requires grad (a parameter) may not be changed in place (PyTorch raises the same), and a tensor computed
 * with gradients, or an operand that requires grad, would need the in-place op in the graph, which Gradlens does
 * not have yet. Under torch.no_grad every tensor may be updated.
 */
function checkInPlace(self: Tensor, name: string, other?: Operand): void {
  if (!is_grad_enabled()) return;
  if (self.requires_grad && self._node === null) {
    throw new Error(`Tensor.${name}(): a leaf tensor that requires grad (a parameter) is being used in an in-place operation; update it inside torch.no_grad(() => { ... }) as PyTorch requires`);
  }
  if (self._node !== null || (other instanceof Tensor && other.requires_grad)) {
    throw new Error(`Tensor.${name}() on a tensor that gradients flow through is not in Gradlens yet: write x = x.${name.slice(0, -1)}(...) instead, or do it under torch.no_grad (see docs/porting-from-pytorch.md)`);
  }
}

/** Writes `result` (computed without gradients) into self, which keeps its shape as PyTorch's in-place ops do. */
function writeInPlace(self: Tensor, name: string, result: Tensor): void {
  if (result.shape.length !== self.shape.length || result.shape.some((d, i) => d !== self.shape[i])) {
    throw new Error(`Tensor.${name}(): output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${result.shape.join(', ')}]`);
  }
  self.data.set(result.data);
  // A kernel may have proved the old values finite; the new ones are not proved.
  forgetFinite(self.data);
}

function alphaOf(name: string, options: { alpha?: number } | undefined): number {
  if (options === undefined) return 1;
  if (typeof options !== 'object' || options === null || typeof options.alpha !== 'number' || Object.keys(options).some((k) => k !== 'alpha')) {
    throw new TypeError(`Tensor.${name}(): the options must be { alpha: number } (PyTorch's keyword argument alpha=), got ${JSON.stringify(options)}`);
  }
  return options.alpha;
}

function checkOperand(name: string, other: unknown): asserts other is Operand {
  if (typeof other === 'number' || other instanceof Tensor) return;
  if (other instanceof Float32Array) {
    throw new TypeError(`Tensor.${name}(): got a Float32Array; in Gradlens Tensor.data is the raw values, so pass the tensor itself (p.grad, not p.grad.data)`);
  }
  throw new TypeError(`Tensor.${name}(): expected a Tensor or a number, got ${other === null ? 'null' : typeof other}`);
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

proto.add_ = function (this: Tensor, other: Operand, options?: { alpha?: number }) {
  checkOperand('add_', other);
  const alpha = alphaOf('add_', options);
  checkInPlace(this, 'add_', other);
  writeInPlace(this, 'add_', no_grad(() => bin.add(this, alpha === 1 ? other : bin.mul(bin.toTensor(other), alpha))));
  return this;
};
proto.sub_ = function (this: Tensor, other: Operand, options?: { alpha?: number }) {
  checkOperand('sub_', other);
  const alpha = alphaOf('sub_', options);
  checkInPlace(this, 'sub_', other);
  writeInPlace(this, 'sub_', no_grad(() => bin.sub(this, alpha === 1 ? other : bin.mul(bin.toTensor(other), alpha))));
  return this;
};
proto.mul_ = function (this: Tensor, other: Operand) {
  checkOperand('mul_', other);
  checkInPlace(this, 'mul_', other);
  writeInPlace(this, 'mul_', no_grad(() => bin.mul(this, other)));
  return this;
};
proto.div_ = function (this: Tensor, other: Operand) {
  checkOperand('div_', other);
  checkInPlace(this, 'div_', other);
  writeInPlace(this, 'div_', no_grad(() => bin.div(this, other)));
  return this;
};
proto.clamp_ = function (this: Tensor, min?: number | null, max?: number | null) {
  checkInPlace(this, 'clamp_');
  writeInPlace(this, 'clamp_', no_grad(() => clampOp(this, min, max)));
  return this;
};

// PyTorch's `param.data.sub_(...)` reaches the raw values in Gradlens (Tensor.data is a Float32Array): say where the
// method is instead of "p.data.sub_ is not a function". Non-enumerable, and only names no typed array has.
const RAW_DATA_HINTS = ['add_', 'sub_', 'mul_', 'div_', 'zero_', 'copy_', 'clamp_', 'normal_', 'uniform_', 'add', 'sub', 'mul', 'div'];
for (const name of RAW_DATA_HINTS) {
  if (name in Float32Array.prototype) continue;
  Object.defineProperty(Float32Array.prototype, name, {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function rawDataHint(): never {
      throw new TypeError(
        `.data.${name}(): in Gradlens Tensor.data is the raw Float32Array, not a tensor; call ${name}() on the tensor itself (PyTorch's p.data.sub_(lr * p.grad) is torch.no_grad(() => p.sub_(p.grad, { alpha: lr })); see docs/porting-from-pytorch.md)`,
      );
    },
  });
}

// Tensor.max(dim) / min(dim): PyTorch's `_, predicted = outputs.max(1)` ports as `const [, predicted] = outputs.max(1)`
// (it failed with "is not iterable"). The result stays the values tensor for code that uses it as one.
function withIndices(values: Tensor, source: Tensor, d: number, negate: boolean): ValuesAndIndices {
  let indices: Tensor | undefined;
  const getIndices = (): Tensor => {
    if (!indices) {
      const r = maxWithIndices(negate ? no_grad(() => source.neg()) : source, d);
      indices = new Tensor(Float32Array.from(r.indices), values.shape.slice());
    }
    return indices;
  };
  Object.defineProperties(values, {
    values: { configurable: true, enumerable: false, get: () => values },
    indices: { configurable: true, enumerable: false, get: getIndices },
    [Symbol.iterator]: {
      configurable: true,
      enumerable: false,
      value: function* pair(): Generator<Tensor> {
        yield values;
        yield getIndices();
      },
    },
  });
  return values as ValuesAndIndices;
}

const valuesOnlyMax = proto.max as (this: Tensor, dim?: number | null, keepdim?: boolean) => Tensor;
const valuesOnlyMin = proto.min as (this: Tensor, dim?: number | null, keepdim?: boolean) => Tensor;
proto.max = function (this: Tensor, dim?: number | null, keepdim = false) {
  const values = valuesOnlyMax.call(this, dim, keepdim);
  if (dim === undefined || dim === null) return values as ValuesAndIndices;
  return withIndices(values, this, normDim(dim, this.shape.length, 'max'), false);
} as Tensor['max'];
proto.min = function (this: Tensor, dim?: number | null, keepdim = false) {
  const values = valuesOnlyMin.call(this, dim, keepdim);
  if (dim === undefined || dim === null) return values as ValuesAndIndices;
  return withIndices(values, this, normDim(dim, this.shape.length, 'min'), true);
} as Tensor['min'];

// loss.backward({ retain_graph: true }) (PyTorch's keywords) was taken as the gradient and failed deep inside with
// "Cannot read properties of undefined (reading 'length')". Gradlens keeps every graph, so retain_graph needs nothing.
// (Typed as tensor.ts declares it, gradient only: a class method's overloads cannot be widened from here; JavaScript
// model files and esbuild's untyped bundling reach this.)
const plainBackward = proto.backward as (this: Tensor, gradient?: Tensor) => void;
proto.backward = function (this: Tensor, gradient?: unknown, _retain_graph?: boolean | null, create_graph?: boolean) {
  let g = gradient;
  let higher = create_graph;
  if (isPlainObject(g)) {
    const o = g;
    const extra = Object.keys(o).filter((k) => k !== 'gradient' && k !== 'retain_graph' && k !== 'create_graph');
    if (extra.length) throw new TypeError(`Tensor.backward() got an unexpected option '${extra[0]}' (its arguments are gradient, retain_graph, create_graph)`);
    g = o.gradient;
    higher = o.create_graph as boolean | undefined;
  }
  if (higher) throw new TypeError('Tensor.backward(): create_graph (gradients of gradients) is not in Gradlens yet (see docs/porting-from-pytorch.md)');
  if (g !== undefined && g !== null && !(g instanceof Tensor)) {
    throw new TypeError(`Tensor.backward(): gradient must be a Tensor of the loss's shape, got ${typeof g === 'object' ? 'an object' : typeof g}`);
  }
  plainBackward.call(this, (g ?? undefined) as Tensor | undefined);
} as Tensor['backward'];
