// Reference SGD update in place, as torch.optim.SGD: weight decay joins the gradient, the momentum buffer starts
// as a copy of the gradient on the first step, and Nesterov looks ahead along the buffer.
import type { SgdAttrs } from '../../kernels/kernel-map';

export function sgdUpdate(param: Float32Array, grad: Float32Array, buf: Float32Array | null, at: SgdAttrs): void {
  const { lr, momentum, dampening, weightDecay, nesterov, firstStep } = at;
  if (momentum !== 0 && !buf) throw new Error('SgdUpdate: momentum needs the buffer.');
  for (let i = 0; i < param.length; i++) {
    let d = grad[i];
    if (weightDecay !== 0) d += weightDecay * param[i];
    if (buf && momentum !== 0) {
      buf[i] = firstStep ? d : momentum * buf[i] + (1 - dampening) * d;
      d = nesterov ? d + momentum * buf[i] : buf[i];
    }
    param[i] -= lr * d;
  }
}
