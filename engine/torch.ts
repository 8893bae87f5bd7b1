// The `torch` namespace of the gradlens module: the tensor functions PyTorch scripts call as torch.X, with
// PyTorch's argument forms (torch.zeros(2, 3) or torch.zeros([2, 3]); torch.max(x, 1) returning [values, indices]),
// plus torch.device, torch.cuda.is_available() (false: Gradlens computes on the CPU), no_grad, manual_seed and
// save/load of a state_dict as a JSON file.
import { readFileSync, writeFileSync } from 'node:fs';
import * as creation from './creation';
import type { TensorOptions } from './creation';
import { Device, toDevice } from './device';
import { maxWithIndices, normDim, argmax as argmaxOp, sum as sumOp, mean as meanOp } from './ops/reduce';
import { cat as catOp, stack as stackOp } from './ops/shape';
import { softmax as softmaxOp, log_softmax as logSoftmaxOp } from './ops/softmax';
import { maximum, minimum } from './ops/binary';
import { flatten as flattenOp } from './ops/shape';
import { dtypeParam, isPlainObject, P, signature } from './signature';
import { Tensor } from './tensor';
import { sizeArgs } from './tensor-methods';

export { tensor, arange, linspace, full, zeros_like, ones_like, randn_like } from './creation';
export { no_grad, is_grad_enabled, set_grad_enabled } from './autograd';
export { manual_seed } from './random';
export { transpose, permute, squeeze, unsqueeze } from './ops/shape';
export { matmul } from './ops/matmul';
export { exp, log, sqrt, abs, sigmoid, tanh, relu, neg, square, sin, cos, clamp } from './ops/unary';
export { add, sub, mul, div, maximum, minimum } from './ops/binary';
export { where, eq, ne, gt, lt, ge, le } from './ops/select';
export { Tensor } from './tensor';
export { Device } from './device';

type SizeAndOptions = Array<number | readonly number[] | TensorOptions>;

function sizeAndOptions(args: SizeAndOptions, where: string): [number[], TensorOptions] {
  const last = args[args.length - 1];
  const opts = isPlainObject(last) ? (last as TensorOptions) : {};
  const size = isPlainObject(last) ? args.slice(0, -1) : args;
  return [sizeArgs(size, where), opts];
}

/** torch.zeros(2, 3), torch.zeros([2, 3]), torch.zeros(2, 3, { requires_grad: true }). */
export function zeros(...args: SizeAndOptions): Tensor {
  const [shape, opts] = sizeAndOptions(args, 'torch.zeros()');
  return creation.zeros(shape, opts);
}
export function ones(...args: SizeAndOptions): Tensor {
  const [shape, opts] = sizeAndOptions(args, 'torch.ones()');
  return creation.ones(shape, opts);
}
export function randn(...args: SizeAndOptions): Tensor {
  const [shape, opts] = sizeAndOptions(args, 'torch.randn()');
  return creation.randn(shape, opts);
}
/** torch.rand(2, 3) or torch.rand([2, 3]): uniform in [0, 1). */
export function rand(...args: SizeAndOptions): Tensor {
  const [shape, opts] = sizeAndOptions(args, 'torch.rand()');
  return creation.rand(shape, opts);
}
export function empty(...args: SizeAndOptions): Tensor {
  const [shape, opts] = sizeAndOptions(args, 'torch.empty()');
  return creation.zeros(shape, opts);
}

// ---- PyTorch's keyword arguments: torch.cat((a, b), dim=1) is torch.cat([a, b], { dim: 1 }) -------------------

const tensorList = P.custom<readonly Tensor[]>('an array of tensors', (v) => Array.isArray(v) && v.every((t) => t instanceof Tensor));
const dims = P.custom<number | readonly number[] | null>('an integer, an array of integers or null', (v) => v === null || Number.isInteger(v) || (Array.isArray(v) && v.every(Number.isInteger)));
const catArgs = signature('torch.cat', { tensors: tensorList.req(), dim: P.int.opt() });
const stackArgs = signature('torch.stack', { tensors: tensorList.req(), dim: P.int.opt() });
const sumArgs = signature('torch.sum', { input: P.tensor.req(), dim: dims.opt(), keepdim: P.bool.opt() }, { dtype: dtypeParam });
const meanArgs = signature('torch.mean', { input: P.tensor.req(), dim: dims.opt(), keepdim: P.bool.opt() }, { dtype: dtypeParam });
const softmaxArgs = signature('torch.softmax', { input: P.tensor.req(), dim: P.int.opt(), dtype: dtypeParam });
const logSoftmaxArgs = signature('torch.log_softmax', { input: P.tensor.req(), dim: P.int.opt(), dtype: dtypeParam });

/** torch.cat(tensors, dim = 0), or torch.cat(tensors, { dim }). */
export function cat(tensors: readonly Tensor[], dim?: number): Tensor;
export function cat(tensors: readonly Tensor[], options: { dim?: number }): Tensor;
export function cat(...args: unknown[]): Tensor {
  const a = catArgs(args);
  return catOp(a.tensors, a.dim ?? 0);
}
/** torch.stack(tensors, dim = 0), or torch.stack(tensors, { dim }). */
export function stack(tensors: readonly Tensor[], dim?: number): Tensor;
export function stack(tensors: readonly Tensor[], options: { dim?: number }): Tensor;
export function stack(...args: unknown[]): Tensor {
  const a = stackArgs(args);
  return stackOp(a.tensors, a.dim ?? 0);
}
type ReduceOptions = { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: 'float32' | null };
/** torch.sum(input, dim?, keepdim?), or torch.sum(input, { dim, keepdim }). */
export function sum(input: Tensor, dim?: number | readonly number[] | null, keepdim?: boolean): Tensor;
export function sum(input: Tensor, options: ReduceOptions): Tensor;
export function sum(...args: unknown[]): Tensor {
  const a = sumArgs(args);
  return sumOp(a.input, a.dim === null || a.dim === undefined ? a.dim : typeof a.dim === 'number' ? a.dim : [...a.dim], a.keepdim ?? false);
}
/** torch.mean(input, dim?, keepdim?), or torch.mean(input, { dim, keepdim }). */
export function mean(input: Tensor, dim?: number | readonly number[] | null, keepdim?: boolean): Tensor;
export function mean(input: Tensor, options: ReduceOptions): Tensor;
export function mean(...args: unknown[]): Tensor {
  const a = meanArgs(args);
  return meanOp(a.input, a.dim === null || a.dim === undefined ? a.dim : typeof a.dim === 'number' ? a.dim : [...a.dim], a.keepdim ?? false);
}
/** torch.softmax(input, dim), or torch.softmax(input, { dim }); dim omitted is the last. */
export function softmax(input: Tensor, dim?: number): Tensor;
export function softmax(input: Tensor, options: { dim?: number; dtype?: 'float32' | null }): Tensor;
export function softmax(...args: unknown[]): Tensor {
  const a = softmaxArgs(args);
  return softmaxOp(a.input, a.dim ?? -1);
}
export function log_softmax(input: Tensor, dim?: number): Tensor;
export function log_softmax(input: Tensor, options: { dim?: number; dtype?: 'float32' | null }): Tensor;
export function log_softmax(...args: unknown[]): Tensor {
  const a = logSoftmaxArgs(args);
  return logSoftmaxOp(a.input, a.dim ?? -1);
}

/** torch.flatten(input, start_dim = 0, end_dim = -1). */
export function flatten(input: Tensor, start_dim = 0, end_dim = -1): Tensor {
  return flattenOp(input, start_dim, end_dim);
}

function reduceWithIndices(which: 'max' | 'min', input: Tensor, dim: number, keepdim: boolean): [Tensor, Tensor] {
  const d = normDim(dim, input.shape.length, which);
  const signed = which === 'max' ? input : input.neg();
  const values = signed.max(d, keepdim);
  const { indices } = maxWithIndices(signed, d);
  return [which === 'max' ? values : values.neg(), new Tensor(Float32Array.from(indices), values.shape.slice())];
}

/**
 * torch.max(input): the largest value (a 0-d tensor); torch.max(input, dim, keepdim?): [values, indices] along dim
 * (indices as float32 numbers); torch.max(input, other): the element-wise maximum.
 */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(input: Tensor, other: Tensor): Tensor;
export function max(input: Tensor, options: { dim: number; keepdim?: boolean }): [Tensor, Tensor];
export function max(input: Tensor, dimOrOther?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim = false): Tensor | [Tensor, Tensor] {
  checkInput(input, 'torch.max()');
  if (isPlainObject(dimOrOther)) return reduceWithIndices('max', input, ...dimOptions('torch.max()', dimOrOther, keepdim));
  if (dimOrOther === undefined) return input.max();
  if (dimOrOther instanceof Tensor) return maximum(input, dimOrOther);
  return reduceWithIndices('max', input, dimOrOther, keepdim);
}
export function min(input: Tensor): Tensor;
export function min(input: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function min(input: Tensor, other: Tensor): Tensor;
export function min(input: Tensor, options: { dim: number; keepdim?: boolean }): [Tensor, Tensor];
export function min(input: Tensor, dimOrOther?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim = false): Tensor | [Tensor, Tensor] {
  checkInput(input, 'torch.min()');
  if (isPlainObject(dimOrOther)) return reduceWithIndices('min', input, ...dimOptions('torch.min()', dimOrOther, keepdim));
  if (dimOrOther === undefined) return input.min();
  if (dimOrOther instanceof Tensor) return minimum(input, dimOrOther);
  return reduceWithIndices('min', input, dimOrOther, keepdim);
}
export function argmax(input: Tensor, dim?: number | null, keepdim?: boolean): Tensor;
export function argmax(input: Tensor, options: { dim?: number | null; keepdim?: boolean }): Tensor;
export function argmax(input: Tensor, dim?: number | null | { dim?: number | null; keepdim?: boolean }, keepdim = false): Tensor {
  checkInput(input, 'torch.argmax()');
  if (isPlainObject(dim)) {
    const o = dim as { dim?: number | null; keepdim?: boolean };
    const extra = Object.keys(o).filter((k) => k !== 'dim' && k !== 'keepdim');
    if (extra.length) throw new TypeError(`torch.argmax() got an unexpected option '${extra[0]}' (its arguments are input, dim, keepdim)`);
    return argmaxOp(input, o.dim, o.keepdim ?? false);
  }
  return argmaxOp(input, dim as number | null | undefined, keepdim);
}

/** torch.max(x, { dim, keepdim }): the dim and keepdim of PyTorch's keywords, checked. */
function dimOptions(where: string, o: Record<string, unknown>, keepdim: boolean): [number, boolean] {
  const extra = Object.keys(o).filter((k) => k !== 'dim' && k !== 'keepdim');
  if (extra.length) throw new TypeError(`${where} got an unexpected option '${extra[0]}' (its arguments are input, dim, keepdim)`);
  if (!Number.isInteger(o.dim)) throw new TypeError(`${where}: dim must be an integer, got ${JSON.stringify(o.dim)}`);
  if (o.keepdim !== undefined && typeof o.keepdim !== 'boolean') throw new TypeError(`${where}: keepdim must be a boolean`);
  return [o.dim as number, (o.keepdim as boolean | undefined) ?? keepdim];
}

function checkInput(input: unknown, where: string): void {
  if (input instanceof Tensor) return;
  if (input instanceof Float32Array) {
    throw new TypeError(`${where}: got a Float32Array; in Gradlens Tensor.data is the raw values, so pass the tensor itself (outputs, or outputs.detach())`);
  }
  throw new TypeError(`${where}: expected a Tensor, got ${input === null ? 'null' : typeof input}`);
}

/** torch.device('cpu'); any other device is an error naming it. */
export function device(type: string | Device, index?: number): Device {
  const d = toDevice(type, 'torch.device()');
  return index === undefined ? d : new Device(index);
}

/** torch.cuda: there is no GPU device in Gradlens, so scripts that pick `cuda if available` pick the CPU. */
export const cuda = {
  is_available: (): boolean => false,
  device_count: (): number => 0,
  manual_seed: (): void => {},
  manual_seed_all: (): void => {},
};
export const backends = { mps: { is_available: (): boolean => false }, cudnn: { deterministic: true, benchmark: false } };
export const float32 = 'float32';

// ---- save / load -----------------------------------------------------------------------------------------------

interface SavedTensor {
  __tensor__: { shape: number[]; data: number[] };
}
const SAVE_FORMAT = 'gradlens.save/1';

function encode(v: unknown, path: string): unknown {
  if (v instanceof Tensor) return { __tensor__: { shape: v.shape.slice(), data: Array.from(v.data) } } satisfies SavedTensor;
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${path}[${i}]`));
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x, `${path}.${k}`)]));
  throw new TypeError(
    `torch.save(): cannot save ${path} (${typeof v === 'object' || typeof v === 'function' ? ((v as { constructor?: { name?: string } }).constructor?.name ?? 'object') : typeof v}); save model.state_dict() or plain objects of tensors and numbers`,
  );
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const t = (v as Partial<SavedTensor>).__tensor__;
    if (t) {
      if (!Array.isArray(t.shape) || !Array.isArray(t.data) || t.data.length !== t.shape.reduce((a, b) => a * b, 1)) {
        throw new Error('torch.load(): a saved tensor has a shape that does not match its values');
      }
      return new Tensor(Float32Array.from(t.data), t.shape);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

/** Writes obj (a state_dict, or plain objects of tensors and numbers) to `path` as JSON. */
export function save(obj: unknown, path: string): void {
  writeFileSync(path, JSON.stringify({ format: SAVE_FORMAT, value: encode(obj, 'obj') }));
}

/** Reads what torch.save wrote; tensors come back as Tensors. `map_location` etc. are accepted for the CPU only. */
export function load(path: string, opts: { map_location?: string | Device; weights_only?: boolean } = {}): Record<string, Tensor> & Record<string, unknown> {
  if (opts.map_location !== undefined) toDevice(opts.map_location, 'torch.load()');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`torch.load(): ${path} is not a file written by Gradlens' torch.save (${(e as Error).message}); PyTorch's .pt files cannot be read`);
  }
  if (!isPlainObject(parsed) || parsed.format !== SAVE_FORMAT) {
    throw new Error(`torch.load(): ${path} is not a file written by Gradlens' torch.save; PyTorch's .pt files cannot be read`);
  }
  return decode(parsed.value) as Record<string, Tensor> & Record<string, unknown>;
}
