// Factories with PyTorch's names (torch.tensor, torch.zeros, torch.randn, ...).
import { defaultGenerator, type Generator } from './random';
import { sizeOf } from './ops/broadcast';
import { Tensor, type NestedArray } from './tensor';

export interface TensorOptions {
  requires_grad?: boolean;
  /** Shape for flat data (a Float32Array or a flat array). */
  shape?: number[];
}

function flattenNested(values: NestedArray, shape: number[], out: number[], depth: number): void {
  if (typeof values === 'number') {
    if (depth !== shape.length && shape.length > 0) throw new Error('tensor(): ragged nested array');
    out.push(values);
    return;
  }
  if (depth === shape.length) shape.push(values.length);
  else if (shape[depth] !== values.length) throw new Error('tensor(): ragged nested array');
  for (const v of values) flattenNested(v, shape, out, depth + 1);
}

export function tensor(values: NestedArray | Float32Array | ArrayLike<number>, opts: TensorOptions = {}): Tensor {
  let data: Float32Array;
  let shape: number[];
  if (values instanceof Float32Array || (typeof values === 'object' && !Array.isArray(values))) {
    data = Float32Array.from(values as ArrayLike<number>);
    shape = opts.shape ?? [data.length];
  } else {
    const flat: number[] = [];
    shape = [];
    flattenNested(values as NestedArray, shape, flat, 0);
    data = Float32Array.from(flat);
    if (opts.shape) shape = opts.shape;
  }
  return new Tensor(data, shape, opts.requires_grad ?? false);
}

export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  const data = new Float32Array(sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape, opts.requires_grad ?? false);
}

export const zeros = (shape: readonly number[], opts: TensorOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: readonly number[], opts: TensorOptions = {}): Tensor => full(shape, 1, opts);
export const zeros_like = (t: Tensor): Tensor => full(t.shape, 0);
export const ones_like = (t: Tensor): Tensor => full(t.shape, 1);

export function randn(shape: readonly number[], opts: TensorOptions & { generator?: Generator } = {}): Tensor {
  return full(shape, 0, opts).normal_(0, 1, opts.generator ?? defaultGenerator);
}

export function rand(shape: readonly number[], opts: TensorOptions & { generator?: Generator } = {}): Tensor {
  return full(shape, 0, opts).uniform_(0, 1, opts.generator ?? defaultGenerator);
}

export const randn_like = (t: Tensor): Tensor => randn(t.shape);

export function arange(startOrEnd: number, end?: number, step = 1): Tensor {
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

export function linspace(start: number, end: number, steps: number): Tensor {
  const data = new Float32Array(steps);
  for (let i = 0; i < steps; i++) data[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return new Tensor(data, [steps]);
}
