// Element-wise selection and comparison with broadcasting: torch.where and the comparisons (eq, ne, gt, lt, ge,
// le). Gradlens has one dtype, float32, so a comparison gives 1 or 0 where PyTorch gives a bool tensor:
// (predicted == targets).sum().item() counts the same.
import { makeOp } from '../autograd';
import { broadcastIndex, broadcastShapes, sizeOf, sumToShape } from './broadcast';
import { toTensor, type TensorLike } from './binary';
import type { Tensor } from '../tensor';

/** condition ? x : y element-wise (condition non-zero counts as true); the gradient flows to the chosen side. */
export function where(condition: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  const c = toTensor(condition);
  const a = toTensor(x);
  const b = toTensor(y);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
  const n = sizeOf(shape);
  const ic = broadcastIndex(c.shape, shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const take = new Uint8Array(n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    take[i] = c.data[ic[i]] !== 0 ? 1 : 0;
    out[i] = take[i] ? a.data[ia[i]] : b.data[ib[i]];
  }
  return makeOp('where', [c, a, b], out, shape, (g) => {
    const ga = new Float32Array(n);
    const gb = new Float32Array(n);
    for (let i = 0; i < n; i++) (take[i] ? ga : gb)[i] = g[i];
    return [new Float32Array(c.data.length), sumToShape(ga, shape, a.shape), sumToShape(gb, shape, b.shape)];
  }, { keepsFinite: 'both' });
}

function compare(op: string, x: TensorLike, y: TensorLike, f: (a: number, b: number) => boolean): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = sizeOf(shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(a.data[ia[i]], b.data[ib[i]]) ? 1 : 0;
  // A comparison has no gradient (PyTorch's bool result does not require grad).
  return makeOp(op, [], out, shape, () => [], { keepsFinite: 'both' });
}

export const eq = (x: TensorLike, y: TensorLike): Tensor => compare('eq', x, y, (a, b) => a === b);
export const ne = (x: TensorLike, y: TensorLike): Tensor => compare('ne', x, y, (a, b) => a !== b);
export const gt = (x: TensorLike, y: TensorLike): Tensor => compare('gt', x, y, (a, b) => a > b);
export const lt = (x: TensorLike, y: TensorLike): Tensor => compare('lt', x, y, (a, b) => a < b);
export const ge = (x: TensorLike, y: TensorLike): Tensor => compare('ge', x, y, (a, b) => a >= b);
export const le = (x: TensorLike, y: TensorLike): Tensor => compare('le', x, y, (a, b) => a <= b);
