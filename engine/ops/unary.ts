// Elementwise unary ops. The derivative is written from the saved input x or output y, whichever is cheaper
// and more accurate (sigmoid and tanh from y, as PyTorch does).
import { makeOp } from '../autograd';
import type { ActivationFn } from '../kernels/kernel-map';
import { runKernel } from '../kernels/registry';
import type { Tensor } from '../tensor';

function unary(
  op: string,
  x: Tensor,
  f: (v: number) => number,
  df: (v: number, y: number) => number,
): Tensor {
  const xd = x.data;
  const n = xd.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(xd[i]);
  return makeOp(op, [x], out, x.shape.slice(), (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = g[i] * df(xd[i], out[i]);
    return [gx];
  });
}

export const neg = (x: Tensor): Tensor => unary('neg', x, (v) => -v, () => -1);
export const exp = (x: Tensor): Tensor => unary('exp', x, Math.exp, (_v, y) => y);
export const log = (x: Tensor): Tensor => unary('log', x, Math.log, (v) => 1 / v);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, Math.sqrt, (_v, y) => 0.5 / y);
export const abs = (x: Tensor): Tensor => unary('abs', x, Math.abs, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
export const sin = (x: Tensor): Tensor => unary('sin', x, Math.sin, Math.cos);
export const cos = (x: Tensor): Tensor => unary('cos', x, Math.cos, (v) => -Math.sin(v));
export const square = (x: Tensor): Tensor => unary('square', x, (v) => v * v, (v) => 2 * v);

export function pow(x: Tensor, p: number): Tensor {
  return unary('pow', x, (v) => Math.pow(v, p), (v) => (p === 0 ? 0 : p * Math.pow(v, p - 1)));
}

// relu's gradient at exactly 0 is 0, as in PyTorch (and not maximum(0, x)'s half-and-half tie rule); relu(NaN) is
// NaN, so NaN tracing still sees it. It runs after nearly every layer, so both directions are kernels (the wasm
// backend's v128 loops are ~30x faster than JavaScript's loop on real activations).
export function relu(x: Tensor): Tensor {
  const xd = x.data;
  return makeOp('relu', [x], runKernel('Relu', xd), x.shape.slice(), (g) => [runKernel('ReluGrad', xd, g)], { keepsFinite: 'both' });
}

export function leaky_relu(x: Tensor, negative_slope = 0.01): Tensor {
  return unary('leaky_relu', x, (v) => (v > 0 ? v : v * negative_slope), (v) => (v > 0 ? 1 : negative_slope));
}

export function elu(x: Tensor, alpha = 1): Tensor {
  return unary('elu', x, (v) => (v > 0 ? v : alpha * Math.expm1(v)), (v, y) => (v > 0 ? 1 : y + alpha));
}

// tanh and sigmoid are kernels too (Math.tanh alone takes ~26 ns an element). Their outputs are bounded and their
// gradients are the output gradient scaled by at most 1, so neither can be the first to make a NaN or Infinity.
function smoothActivation(fn: ActivationFn, x: Tensor): Tensor {
  const y = runKernel('Activation', x.data, { fn });
  return makeOp(fn, [x], y, x.shape.slice(), (g) => [runKernel('ActivationGrad', y, g, { fn })], { keepsFinite: 'both' });
}

export const sigmoid = (x: Tensor): Tensor => smoothActivation('sigmoid', x);
export const tanh = (x: Tensor): Tensor => smoothActivation('tanh', x);

export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return unary(
    'softplus',
    x,
    (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta),
    (v) => (v * beta > threshold ? 1 : 1 / (1 + Math.exp(-v * beta))),
  );
}

// GELU with the exact erf form (PyTorch's default approximate='none').
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
export function gelu(x: Tensor): Tensor {
  return unary(
    'gelu',
    x,
    (v) => 0.5 * v * (1 + erf(v * SQRT1_2)),
    (v) => 0.5 * (1 + erf(v * SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v),
  );
}

export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  return unary('clamp', x, (v) => (v < lo ? lo : v > hi ? hi : v), (v) => (v < lo || v > hi ? 0 : 1));
}

/** erf to near float64 precision: Maclaurin series for |x| < 3, a continued fraction for erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 3) {
    // erfc(x) = exp(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the tail.
    let k = ax;
    for (let n = 60; n >= 1; n--) k = ax + n / 2 / k;
    const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / k;
    return x < 0 ? erfc - 1 : 1 - erfc;
  }
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
