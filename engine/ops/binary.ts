// Elementwise binary ops with broadcasting. Each op is its forward loop next to its gradient.
import { makeOp } from '../autograd';
import { Tensor } from '../tensor';
import { broadcastIndex, broadcastShapes, sameShape, sizeOf, sumToShape } from './broadcast';

export type TensorLike = Tensor | number;

export function toTensor(v: TensorLike): Tensor {
  return typeof v === 'number' ? new Tensor(new Float32Array([v]), []) : v;
}

type Fwd = (a: number, b: number) => number;

/** Applies f over broadcast operands; returns out data and shape, with the index maps when they were needed. */
function apply(op: string, a: Tensor, b: Tensor, f: Fwd): { out: Float32Array; shape: number[] } {
  const ad = a.data;
  const bd = b.data;
  if (sameShape(a.shape, b.shape)) {
    const out = new Float32Array(ad.length);
    for (let i = 0; i < out.length; i++) out[i] = f(ad[i], bd[i]);
    return { out, shape: a.shape.slice() };
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = sizeOf(shape);
  const out = new Float32Array(n);
  if (bd.length === 1) {
    const s = bd[0];
    for (let i = 0; i < n; i++) out[i] = f(ad[i], s);
  } else if (ad.length === 1) {
    const s = ad[0];
    for (let i = 0; i < n; i++) out[i] = f(s, bd[i]);
  } else if (ad.length === n && n % bd.length === 0 && sameShape(b.shape, shape.slice(shape.length - b.shape.length))) {
    // b broadcast along leading dims only (a bias row): the common case, no index map needed.
    const m = bd.length;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(ad[i + j], bd[j]);
  } else {
    const ia = broadcastIndex(a.shape, shape);
    const ib = broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = f(ad[ia[i]], bd[ib[i]]);
  }
  return { out, shape };
}

export function add(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const { out, shape } = apply('add', a, b, (p, q) => p + q);
  return makeOp('add', [a, b], out, shape, (g) => [sumToShape(g, shape, a.shape), sumToShape(g, shape, b.shape)]);
}

export function sub(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const { out, shape } = apply('sub', a, b, (p, q) => p - q);
  return makeOp('sub', [a, b], out, shape, (g) => {
    const gb = sumToShape(g, shape, b.shape);
    const neg = new Float32Array(gb.length);
    for (let i = 0; i < neg.length; i++) neg[i] = -gb[i];
    return [sumToShape(g, shape, a.shape), neg];
  });
}

/** Elementwise gradient products g*other over the broadcast shape, summed back to the input's shape. */
function gradTimes(g: Float32Array, shape: number[], other: Tensor, self: Tensor, f: (gi: number, o: number, s: number) => number): Float32Array {
  const n = g.length;
  const full = new Float32Array(n);
  const od = other.data;
  const sd = self.data;
  if (sameShape(other.shape, shape) && sameShape(self.shape, shape)) {
    for (let i = 0; i < n; i++) full[i] = f(g[i], od[i], sd[i]);
  } else {
    const io = od.length === n ? null : broadcastIndex(other.shape, shape);
    const is = sd.length === n ? null : broadcastIndex(self.shape, shape);
    for (let i = 0; i < n; i++) full[i] = f(g[i], od[io ? io[i] : i], sd[is ? is[i] : i]);
  }
  return sumToShape(full, shape, self.shape);
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const { out, shape } = apply('mul', a, b, (p, q) => p * q);
  return makeOp('mul', [a, b], out, shape, (g) => [
    a.requires_grad ? gradTimes(g, shape, b, a, (gi, o) => gi * o) : null,
    b.requires_grad ? gradTimes(g, shape, a, b, (gi, o) => gi * o) : null,
  ]);
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const { out, shape } = apply('div', a, b, (p, q) => p / q);
  return makeOp('div', [a, b], out, shape, (g) => [
    a.requires_grad ? gradTimes(g, shape, b, a, (gi, bv) => gi / bv) : null,
    b.requires_grad ? gradTimes(g, shape, a, b, (gi, av, bv) => (-gi * av) / (bv * bv)) : null,
  ]);
}

export function maximum(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const { out, shape } = apply('maximum', a, b, (p, q) => (p >= q ? p : q));
  // Ties send the gradient half each way, as torch.maximum does.
  return makeOp('maximum', [a, b], out, shape, (g) => [
    a.requires_grad ? gradTimes(g, shape, b, a, (gi, bv, av) => (av > bv ? gi : av === bv ? gi / 2 : 0)) : null,
    b.requires_grad ? gradTimes(g, shape, a, b, (gi, av, bv) => (bv > av ? gi : av === bv ? gi / 2 : 0)) : null,
  ]);
}

export function minimum(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor(x);
  const b = toTensor(y);
  const { out, shape } = apply('minimum', a, b, (p, q) => (p <= q ? p : q));
  return makeOp('minimum', [a, b], out, shape, (g) => [
    a.requires_grad ? gradTimes(g, shape, b, a, (gi, bv, av) => (av < bv ? gi : av === bv ? gi / 2 : 0)) : null,
    b.requires_grad ? gradTimes(g, shape, a, b, (gi, av, bv) => (bv < av ? gi : av === bv ? gi / 2 : 0)) : null,
  ]);
}
