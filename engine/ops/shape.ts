// Shape ops. Tensors are always contiguous, so view/reshape share nothing but copy cheaply (a typed-array
// slice), and transposes materialise the permuted layout.
import { makeOp } from '../autograd';
import { ShapeError, shapeStr } from '../errors';
import type { Tensor } from '../tensor';
import { sizeOf } from './broadcast';
import { normDim, split3 } from './reduce';

export function inferShape(op: string, size: number, shape: readonly number[]): number[] {
  const out = shape.slice();
  const neg = out.indexOf(-1);
  if (neg !== out.lastIndexOf(-1)) throw new ShapeError(op, 'only one dimension can be inferred (-1)');
  const known = out.reduce((a, d, i) => (i === neg ? a : a * d), 1);
  if (neg >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(op, `shape ${shapeStr(shape)} is invalid for input of size ${size}`);
    }
    out[neg] = size / known;
  } else if (known !== size) {
    throw new ShapeError(op, `shape ${shapeStr(shape)} is invalid for input of size ${size}`);
  }
  return out;
}

export function reshape(x: Tensor, shape: readonly number[], op = 'view'): Tensor {
  const s = inferShape(op, x.data.length, shape);
  // The data buffer is shared: no op writes into a tensor's data after creation except optimizers on leaves.
  return makeOp(op, [x], x.data, s, (g) => [g], { keepsFinite: 'both' });
}

export function flatten(x: Tensor, start_dim = 0, end_dim = -1): Tensor {
  const rank = x.shape.length;
  if (rank === 0) return reshape(x, [1], 'flatten');
  const s = normDim(start_dim, rank, 'flatten');
  const e = normDim(end_dim, rank, 'flatten');
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape, 'flatten');
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = dim < 0 ? dim + x.shape.length + 1 : dim;
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(x, shape, 'unsqueeze');
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1), 'squeeze');
  const d = normDim(dim, x.shape.length, 'squeeze');
  if (x.shape[d] !== 1) return x;
  const shape = x.shape.slice();
  shape.splice(d, 1);
  return reshape(x, shape, 'squeeze');
}

/** Row length from which a contiguous row is block-copied (a subarray and set cost more than a few elements' loop). */
const ROW_COPY_MIN = 16;

function permuteData(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  if (rank === 0) {
    out.set(data);
    return out;
  }
  const counter = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const lastDim = outShape[last];
  const lastStride = strides[last];
  let off = 0;
  // When the last dimension stays in place (an RNN's batch_first [N, T, F] <-> [T, N, F]) each output row is a
  // contiguous input row: a block copy, not an element loop (the bench LSTM's two permutes of 229k values took
  // ~2 ms a step element by element).
  const rowCopy = lastStride === 1 && lastDim >= ROW_COPY_MIN;
  for (let i = 0; i < out.length; i += lastDim) {
    if (rowCopy) out.set(data.subarray(off, off + lastDim), i);
    else for (let j = 0; j < lastDim; j++) out[i + j] = data[off + j * lastStride];
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      off += strides[d];
      if (counter[d] < outShape[d]) break;
      off -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return out;
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const rank = x.shape.length;
  if (dims.length !== rank) throw new ShapeError('permute', `expected ${rank} dims, got ${dims.length}`);
  const perm = dims.map((d) => normDim(d, rank, 'permute'));
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  const outShape = perm.map((p) => x.shape[p]);
  const out = permuteData(x.data, x.shape, perm);
  return makeOp('permute', [x], out, outShape, (g) => [permuteData(g, outShape, inverse)], { keepsFinite: 'both' });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const rank = x.shape.length;
  const a = normDim(dim0, rank, 'transpose');
  const b = normDim(dim1, rank, 'transpose');
  const perm = [...Array(rank).keys()];
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat', 'expected a non-empty list of tensors');
  const first = tensors[0];
  const rank = first.shape.length;
  const d = normDim(dim, rank, 'cat');
  for (const t of tensors) {
    if (t.shape.length !== rank || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError('cat', `sizes must match except in dimension ${d}`, shapeStr(first.shape), shapeStr(t.shape));
    }
  }
  const lens = tensors.map((t) => t.shape[d]);
  const total = lens.reduce((a, b) => a + b, 0);
  const [outer, , inner] = split3(first.shape, d);
  const outShape = first.shape.slice();
  outShape[d] = total;
  const out = new Float32Array(outer * total * inner);
  let offset = 0;
  tensors.forEach((t, k) => {
    const chunk = lens[k] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + offset);
    offset += chunk;
  });
  return makeOp('cat', [...tensors], out, outShape, (g) => {
    let off = 0;
    return tensors.map((t, k) => {
      const chunk = lens[k] * inner;
      const gt = new Float32Array(t.data.length);
      for (let o = 0; o < outer; o++) gt.set(g.subarray(o * total * inner + off, o * total * inner + off + chunk), o * chunk);
      off += chunk;
      return gt;
    });
  }, { keepsFinite: 'both' });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('stack', 'expected a non-empty list of tensors');
  const d = dim < 0 ? dim + tensors[0].shape.length + 1 : dim;
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(dim, x.shape.length, 'narrow');
  const [outer, len, inner] = split3(x.shape, d);
  const s = start < 0 ? start + len : start;
  if (s < 0 || s + length > len) throw new ShapeError('narrow', `start ${start} + length ${length} exceeds dimension ${d} of size ${len}`);
  const outShape = x.shape.slice();
  outShape[d] = length;
  const out = new Float32Array(outer * length * inner);
  for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * len + s) * inner, (o * len + s + length) * inner), o * length * inner);
  return makeOp('narrow', [x], out, outShape, (g) => {
    const gx = new Float32Array(x.data.length);
    for (let o = 0; o < outer; o++) gx.set(g.subarray(o * length * inner, (o + 1) * length * inner), (o * len + s) * inner);
    return [gx];
  }, { keepsFinite: 'both' });
}

/** x[..., index, ...] along dim (the dimension is removed), like Tensor.select. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  return squeeze(narrow(x, dim, index, 1), dim);
}

/** Rows of x (dim 0) picked by integer indices, like torch.index_select(x, 0, idx) / embedding lookup. */
export function index_select(x: Tensor, dim: number, indices: ArrayLike<number>): Tensor {
  const d = normDim(dim, x.shape.length, 'index_select');
  const [outer, len, inner] = split3(x.shape, d);
  const k = indices.length;
  const outShape = x.shape.slice();
  outShape[d] = k;
  const out = new Float32Array(outer * k * inner);
  for (let j = 0; j < k; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= len) throw new ShapeError('index_select', `index ${i} is out of range for dimension ${d} of size ${len}`);
  }
  for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) {
    out.set(x.data.subarray((o * len + indices[j]) * inner, (o * len + indices[j] + 1) * inner), (o * k + j) * inner);
  }
  return makeOp('index_select', [x], out, outShape, (g) => {
    const gx = new Float32Array(x.data.length);
    for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) {
      const src = (o * k + j) * inner;
      const dst = (o * len + indices[j]) * inner;
      for (let i = 0; i < inner; i++) gx[dst + i] += g[src + i];
    }
    return [gx];
  });
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const target = shape.map((s, i) => (s === -1 ? x.shape[x.shape.length - shape.length + i] : s));
  // Broadcasting add with zeros would allocate twice; reuse mul's broadcast by a ones tensor is wasteful, so loop.
  const rank = target.length;
  const src = x.shape;
  const strides = new Array<number>(rank).fill(0);
  let st = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const sd = src[src.length - rank + i] ?? 1;
    if (sd !== 1 && sd !== target[i]) throw new ShapeError('expand', `cannot expand ${shapeStr(src)} to ${shapeStr(target)}`);
    strides[i] = sd === 1 ? 0 : st;
    st *= sd;
  }
  const n = sizeOf(target);
  const idx = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += counter[d] * strides[d];
    idx[i] = off;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d] < target[d]) break;
      counter[d] = 0;
    }
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x.data[idx[i]];
  return makeOp('expand', [x], out, target, (g) => {
    const gx = new Float32Array(x.data.length);
    for (let i = 0; i < n; i++) gx[idx[i]] += g[i];
    return [gx];
  });
}
