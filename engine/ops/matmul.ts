// Matrix products through the MatMul kernel (the hot path: it runs on the fastest backend chosen at start).
// Gradients are matmuls too: dA = dC·Bᵀ, dB = Aᵀ·dC, expressed with the kernel's transpose flags so no
// transposed copy is ever made.
import { gradTargetFor, makeOp } from '../autograd';
import { ShapeError, shapeStr } from '../errors';
import { runKernel } from '../kernels/registry';
import type { Tensor } from '../tensor';
import { reshape } from './shape';

function mm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, batch = 1, broadcastB = false): Float32Array {
  return runKernel('MatMul', a, b, { m, k, n, transA, transB, batch, broadcastB });
}

/** The gradient of leaf `wrt` as one matmul, written into its gradient slot when the backend can. */
function gradMm(wrt: Tensor, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Float32Array {
  const out = gradTargetFor(wrt);
  return runKernel('MatMul', a, b, out ? { m, k, n, transA, transB, out } : { m, k, n, transA, transB });
}

/** a [M,K] · b [K,N]. */
function matmul2d(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape;
  const [k2, n] = b.shape;
  if (k !== k2) throw new ShapeError('matmul', `inner dimensions differ`, `[${m}, K] x [K, ${n}] with K=${k}`, `${shapeStr(a.shape)} x ${shapeStr(b.shape)}`);
  const out = mm(a.data, b.data, m, k, n, false, false);
  return makeOp('matmul', [a, b], out, [m, n], (g) => [
    a.requires_grad ? gradMm(a, g, b.data, m, n, k, false, true) : null,
    b.requires_grad ? gradMm(b, a.data, g, k, m, n, true, false) : null,
  ]);
}

/** a [B,M,K] · b [B,K,N] or b [K,N] shared across the batch. */
function matmulBatched(a: Tensor, b: Tensor): Tensor {
  const batch = a.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  const [m, k] = a.shape.slice(-2);
  const shared = b.shape.length === 2;
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) throw new ShapeError('matmul', 'inner dimensions differ', `[..., ${m}, ${k}] x [..., ${k}, N]`, `${shapeStr(a.shape)} x ${shapeStr(b.shape)}`);
  if (!shared) {
    const bb = b.shape.slice(0, -2).reduce((p, q) => p * q, 1);
    if (bb !== batch) throw new ShapeError('matmul', 'batch dimensions differ', shapeStr(a.shape.slice(0, -2)), shapeStr(b.shape.slice(0, -2)));
  }
  const outShape = [...a.shape.slice(0, -2), m, n];
  if (shared) {
    // Fold the batch into rows: one big GEMM is much faster than many small ones.
    const out = mm(a.data, b.data, batch * m, k, n, false, false);
    return makeOp('matmul', [a, b], out, outShape, (g) => [
      a.requires_grad ? mm(g, b.data, batch * m, n, k, false, true) : null,
      b.requires_grad ? gradMm(b, a.data, g, k, batch * m, n, true, false) : null,
    ]);
  }
  const out = mm(a.data, b.data, m, k, n, false, false, batch);
  return makeOp('matmul', [a, b], out, outShape, (g) => [
    a.requires_grad ? mm(g, b.data, m, n, k, false, true, batch) : null,
    b.requires_grad ? mm(a.data, g, k, m, n, true, false, batch) : null,
  ]);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra === 0 || rb === 0) throw new ShapeError('matmul', 'both arguments need at least 1 dimension');
  if (ra === 1 && rb === 1) return reshape(matmul2d(reshape(a, [1, -1]), reshape(b, [-1, 1])), [], 'matmul');
  if (ra === 1) {
    const r = matmul(reshape(a, [1, -1]), b);
    return reshape(r, [...r.shape.slice(0, -2), r.shape[r.shape.length - 1]], 'matmul');
  }
  if (rb === 1) {
    const r = matmul(a, reshape(b, [-1, 1]));
    return reshape(r, r.shape.slice(0, -1), 'matmul');
  }
  if (ra === 2 && rb === 2) return matmul2d(a, b);
  if (rb > 2 && ra === 2) {
    // [M,K] x [B,K,N]: expand a across the batch.
    const batch = b.shape.slice(0, -2).reduce((p, q) => p * q, 1);
    const rows = [];
    for (let i = 0; i < batch; i++) rows.push(a);
    return matmulBatched(reshape(catAlong0(rows), [...b.shape.slice(0, -2), ...a.shape]), b);
  }
  return matmulBatched(a, b);
}

function catAlong0(ts: Tensor[]): Tensor {
  const n = ts[0].data.length;
  const out = new Float32Array(n * ts.length);
  ts.forEach((t, i) => out.set(t.data, i * n));
  return makeOp('expand', ts, out, [ts.length * ts[0].shape[0], ...ts[0].shape.slice(1)], (g) => ts.map((_, i) => g.slice(i * n, (i + 1) * n)));
}

/** x·Wᵀ + b with W stored [out, in], as nn.Linear does (F.linear). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return linearInto(x, weight, bias ?? null, undefined);
}

/**
 * linear, with the result written into `into` when the backend can (a resident buffer with room for the GEMM's
 * padded rows: MatMulAttrs.out); the result is then a view of it, valid until the owner writes `into` again.
 */
export function linearInto(x: Tensor, weight: Tensor, bias: Tensor | null, into: Float32Array | undefined): Tensor {
  const inF = weight.shape[1];
  const outF = weight.shape[0];
  const last = x.shape[x.shape.length - 1];
  if (last !== inF) {
    throw new ShapeError('linear', `input features do not match in_features=${inF}`, `[..., ${inF}]`, shapeStr(x.shape));
  }
  const rows = x.data.length / inF;
  const outShape = [...x.shape.slice(0, -1), outF];
  const y = runKernel('MatMul', x.data, weight.data, { m: rows, k: inF, n: outF, transA: false, transB: true, ...(bias ? { bias: bias.data } : {}), ...(into ? { out: into } : {}) });
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return makeOp('linear', inputs, y, outShape, (g) => {
    const gx = x.requires_grad ? mm(g, weight.data, rows, outF, inF, false, false) : null;
    // dW [out,in] = gᵀ [out,rows] · x [rows,in]
    const gw = weight.requires_grad ? gradMm(weight, g, x.data, outF, rows, inF, true, false) : null;
    if (!bias) return [gx, gw];
    return [gx, gw, bias.requires_grad ? runKernel('BiasGrad', g, { outer: rows, channels: outF, inner: 1 }) : null];
  });
}
