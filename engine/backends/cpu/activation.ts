// tanh and sigmoid and their backward, the reference: float64 math rounded once to float32.
import { intoTarget, type ActivationAttrs, type ActivationFn } from '../../kernels/kernel-map';

/** The logistic function on the branch that never overflows exp: exp(-v) for v >= 0, exp(v) otherwise (and NaN). */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

export function activation(x: Float32Array, at: ActivationAttrs): Float32Array {
  const n = x.length;
  const y = intoTarget(at.into, n, 'Activation') ?? new Float32Array(n);
  if (at.fn === 'tanh') {
    for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
    return y;
  }
  for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]);
  return y;
}

export function activationGrad(y: Float32Array, dy: Float32Array, at: { fn: ActivationFn }): Float32Array {
  const n = y.length;
  if (dy.length !== n) throw new Error(`ActivationGrad: dy has ${dy.length} elements, y has ${n}.`);
  const dx = new Float32Array(n);
  if (at.fn === 'tanh') for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  else for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i]) * y[i];
  return dx;
}
