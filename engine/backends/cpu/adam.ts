// Reference Adam / AdamW update in place, step for step as torch.optim.Adam(W) single-tensor code: L2 decay
// is added to the gradient for Adam, applied to the parameter first for AdamW; amsgrad keeps the running max.
import type { AdamAttrs } from '../../kernels/kernel-map';

export function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vMax: Float32Array | null,
  at: AdamAttrs,
): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, step } = at;
  if (amsgrad && !vMax) throw new Error('AdamUpdate: amsgrad needs the vMax buffer.');
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const l2 = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  for (let i = 0; i < param.length; i++) {
    let p = param[i];
    let g = grad[i];
    if (l2 !== 0) g += l2 * p;
    if (shrink !== 1) p *= shrink;
    const mi = m[i] + (1 - beta1) * (g - m[i]);
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    let second = v[i];
    if (vMax) {
      if (second > vMax[i] || Number.isNaN(second)) vMax[i] = second;
      second = vMax[i];
    }
    param[i] = p - stepSize * (m[i] / (Math.sqrt(second) / bc2Sqrt + eps));
  }
}
