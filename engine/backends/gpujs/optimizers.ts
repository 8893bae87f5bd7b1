// The optimizer updates on gpu.js: Adam (first and second moments, AMSGrad's running maximum, the parameter step)
// and SGD (weight decay, momentum buffer, the step), each a pass of its own over the parameter.
import type { AdamAttrs, SgdAttrs } from '../../kernels/kernel-map';
import type { KernelCache } from './compile';
import { ADAM_M, ADAM_P, ADAM_V, MAXIMUM, SGD_BUF, SGD_D, SGD_P } from './sources/optimizers';

export function optimizerKernels(call: KernelCache['call']) {
  const adamUpdate = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, at: AdamAttrs): void => {
    if (at.amsgrad && !vMax) throw new Error('AdamUpdate: amsgrad needs the vMax buffer.');
    const len = p.length;
    const l2 = at.decoupled ? 0 : at.weightDecay;
    const m2 = call(ADAM_M, len, { l2, c1: 1 - at.beta1 }, m, g, p);
    const v2 = call(ADAM_V, len, { l2, b2: at.beta2, c2: 1 - at.beta2 }, v, g, p);
    let second = v2;
    if (at.amsgrad && vMax) {
      second = call(MAXIMUM, len, {}, v2, vMax);
      vMax.set(second);
    }
    const step = {
      shrink: at.decoupled ? 1 - at.lr * at.weightDecay : 1,
      stepSize: at.lr / (1 - at.beta1 ** at.step),
      bc2Sqrt: Math.sqrt(1 - at.beta2 ** at.step),
      eps: at.eps,
    };
    p.set(call(ADAM_P, len, step, p, m2, second));
    m.set(m2);
    v.set(v2);
  };

  const sgdUpdate = (p: Float32Array, g: Float32Array, buf: Float32Array | null, at: SgdAttrs): void => {
    const len = p.length;
    const d = at.weightDecay !== 0 ? call(SGD_D, len, { wd: at.weightDecay }, g, p) : g;
    if (at.momentum === 0) {
      p.set(call(SGD_P, len, { lr: at.lr, nest: 0, momentum: 0 }, p, d, d));
      return;
    }
    if (!buf) throw new Error('SgdUpdate: momentum needs the buffer.');
    const b2 = at.firstStep ? d.slice() : call(SGD_BUF, len, { momentum: at.momentum, damp: 1 - at.dampening }, buf, d);
    const dir = at.nesterov ? d : b2;
    p.set(call(SGD_P, len, { lr: at.lr, nest: at.nesterov ? 1 : 0, momentum: at.momentum }, p, dir, b2));
    buf.set(b2);
  };

  return { AdamUpdate: adamUpdate, SgdUpdate: sgdUpdate };
}
