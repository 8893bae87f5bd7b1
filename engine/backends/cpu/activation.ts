// tanh and sigmoid and their backward, the reference: float64 math rounded once to float32. Sigmoid takes the
// branch that never overflows exp (exp(-v) for v >= 0, exp(v) otherwise).
import { intoTarget, type ActivationAttrs, type ActivationFn } from '../../kernels/kernel-map';

export function activation(x: Float32Array, at: ActivationAttrs): Float32Array {
  const n = x.length;
  const y = intoTarget(at.into, n, 'Activation') ?? new Float32Array(n);
  if (at.fn === 'tanh') {
    for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
    return y;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
    else {
      // Also NaN's branch: exp(NaN) is NaN.
      const e = Math.exp(v);
      y[i] = e / (1 + e);
    }
  }
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
