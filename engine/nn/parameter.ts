// nn.Parameter: a leaf tensor that a Module registers as trainable.
import { Tensor } from '../tensor';

export class Parameter extends Tensor {
  constructor(data: Tensor | Float32Array, shape?: readonly number[], requires_grad = true) {
    if (data instanceof Tensor) super(data.data, data.shape, requires_grad);
    else super(data, shape ?? [data.length], requires_grad);
  }
}
