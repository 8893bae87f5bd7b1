// nn.Parameter: a leaf tensor that a Module registers as trainable. Its values are copied into resident storage
// (engine/storage.ts) so that the fast backend's kernels and optimizers use them in place. Unlike PyTorch, the
// Parameter therefore does not share memory with the tensor it was made from.
import { residentCopy } from '../storage';
import { Tensor } from '../tensor';

export class Parameter extends Tensor {
  constructor(data: Tensor | Float32Array, shape?: readonly number[], requires_grad = true) {
    if (data instanceof Tensor) super(residentCopy(data.data), data.shape, requires_grad);
    else super(residentCopy(data), shape ?? [data.length], requires_grad);
  }
}
