// Reductions over one or more dimensions. Sums accumulate in float64 (a JS number) before rounding to float32,
// which is at least as accurate as PyTorch's pairwise float32 sums.
import { makeOp } from '../autograd';
import { ShapeError, shapeStr } from '../errors';
import { Tensor } from '../tensor';

export function normDim(dim: number, rank: number, op: string): number {
  const d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= Math.max(rank, 1)) throw new ShapeError(op, `dimension ${dim} is out of range for a tensor of rank ${rank}`);
  return d;
}

/** View the tensor as [outer, len, inner] around dimension d. */
export function split3(shape: readonly number[], d: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[d] ?? 1, inner];
}

function reducedShape(shape: readonly number[], d: number, keepdim: boolean): number[] {
  const s = shape.slice();
  if (keepdim) s[d] = 1;
  else s.splice(d, 1);
  return s;
}

type Dims = number | number[] | undefined | null;

function dimList(dim: Dims, rank: number, op: string): number[] | null {
  if (dim === undefined || dim === null) return null;
  const list = (Array.isArray(dim) ? dim : [dim]).map((d) => normDim(d, rank, op));
  return [...new Set(list)].sort((a, b) => b - a);
}

function sumAll(x: Tensor, scale: number, op: string): Tensor {
  const xd = x.data;
  let s = 0;
  for (let i = 0; i < xd.length; i++) s += xd[i];
  const n = xd.length;
  return makeOp(op, [x], new Float32Array([s * scale]), [], (g) => {
    const gx = new Float32Array(n);
    gx.fill(g[0] * scale);
    return [gx];
  });
}

function sumDim(x: Tensor, d: number, keepdim: boolean, scale: number, op: string): Tensor {
  const [outer, len, inner] = split3(x.shape, d);
  const xd = x.data;
  const out = new Float32Array(outer * inner);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * len * inner;
    for (let l = 0; l < len; l++) {
      const row = base + l * inner;
      for (let i = 0; i < inner; i++) acc[i] += xd[row + i];
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i] * scale;
  }
  return makeOp(op, [x], out, reducedShape(x.shape, d, keepdim), (g) => {
    const gx = new Float32Array(xd.length);
    for (let o = 0; o < outer; o++) {
      for (let l = 0; l < len; l++) {
        const row = (o * len + l) * inner;
        for (let i = 0; i < inner; i++) gx[row + i] = g[o * inner + i] * scale;
      }
    }
    return [gx];
  });
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = dimList(dim, x.shape.length, 'sum');
  if (!dims) return sumAll(x, 1, 'sum');
  let y = x;
  for (const d of dims) y = sumDim(y, d, keepdim, 1, 'sum');
  return y;
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = dimList(dim, x.shape.length, 'mean');
  if (!dims) return sumAll(x, 1 / x.data.length, 'mean');
  let y = x;
  for (const d of dims) y = sumDim(y, d, keepdim, 1 / y.shape[d], 'mean');
  return y;
}

/** Max over a dimension (or all elements). Returns values; the gradient goes to the first maximal element. */
export function amax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) {
    const xd = x.data;
    if (xd.length === 0) throw new ShapeError('max', 'max of an empty tensor');
    let best = 0;
    for (let i = 1; i < xd.length; i++) if (xd[i] > xd[best] || xd[i] !== xd[i]) best = i;
    return makeOp('max', [x], new Float32Array([xd[best]]), [], (g) => {
      const gx = new Float32Array(xd.length);
      gx[best] = g[0];
      return [gx];
    });
  }
  const d = normDim(dim, x.shape.length, 'max');
  const { values, indices } = maxWithIndices(x, d);
  const [outer, len, inner] = split3(x.shape, d);
  return makeOp('max', [x], values, reducedShape(x.shape, d, keepdim), (g) => {
    const gx = new Float32Array(x.data.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      gx[(o * len + indices[k]) * inner + i] = g[k];
    }
    return [gx];
  });
}

export function maxWithIndices(x: Tensor, d: number): { values: Float32Array; indices: Int32Array } {
  const [outer, len, inner] = split3(x.shape, d);
  if (len === 0) throw new ShapeError('max', `cannot reduce an empty dimension of ${shapeStr(x.shape)}`);
  const xd = x.data;
  const values = new Float32Array(outer * inner);
  const indices = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const base = o * len * inner + i;
    let bi = 0;
    let bv = xd[base];
    for (let l = 1; l < len; l++) {
      const v = xd[base + l * inner];
      if (v > bv || (v !== v && bv === bv)) {
        bv = v;
        bi = l;
      }
    }
    values[o * inner + i] = bv;
    indices[o * inner + i] = bi;
  }
  return { values, indices };
}

export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) {
    const xd = x.data;
    let best = 0;
    for (let i = 1; i < xd.length; i++) if (xd[i] > xd[best]) best = i;
    return new Tensor(new Float32Array([best]), []);
  }
  const d = normDim(dim, x.shape.length, 'argmax');
  const { indices } = maxWithIndices(x, d);
  return new Tensor(Float32Array.from(indices), reducedShape(x.shape, d, keepdim));
}
