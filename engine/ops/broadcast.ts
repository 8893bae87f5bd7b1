// NumPy/PyTorch broadcasting: shapes are aligned on the right; a dimension of 1 stretches to match.
import { ShapeError, shapeStr } from '../errors';

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast (dimension ${i})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` laid out inside `outShape` (0 where the dimension is broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const strides = new Int32Array(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/** For every flat index of outShape, the flat index into an operand of shape `shape` (broadcast). */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const idx = new Int32Array(n);
  const rank = outShape.length;
  if (rank === 0) return idx;
  const strides = broadcastStrides(shape, outShape);
  const counter = new Int32Array(rank);
  let off = 0;
  const last = rank - 1;
  const lastDim = outShape[last];
  const lastStride = strides[last];
  for (let i = 0; i < n; i += lastDim) {
    for (let j = 0; j < lastDim; j++) idx[i + j] = off + j * lastStride;
    // advance the counter over all dims but the last
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      off += strides[d];
      if (counter[d] < outShape[d]) break;
      off -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}

/** Sums a gradient of shape outShape down to `shape` (the reverse of broadcasting). */
export function sumToShape(g: Float32Array, outShape: readonly number[], shape: readonly number[]): Float32Array {
  if (sameShape(outShape, shape)) return g;
  const out = new Float32Array(sizeOf(shape));
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i];
    out[0] = s;
    return out;
  }
  const idx = broadcastIndex(shape, outShape);
  for (let i = 0; i < g.length; i++) out[idx[i]] += g[i];
  return out;
}
