// torch.nn.functional: the stateless forms of the layers and losses, for custom forward() methods.
export { relu, leaky_relu, elu, gelu, sigmoid, tanh, softplus } from '../ops/unary';
export { softmax, log_softmax } from '../ops/softmax';
export { linear } from '../ops/matmul';
export { dropout } from './shape-layers';
export {
  mse_loss,
  l1_loss,
  cross_entropy,
  nll_loss,
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
  kl_div,
  gaussian_kl,
} from './loss';
export { conv1d, conv2d } from '../ops/conv';
export { max_pool2d, avg_pool2d, adaptive_avg_pool2d } from '../ops/pool';
export { batch_norm, layer_norm } from './norm-functional';
export { embedding } from './embedding';
