// torch.nn.functional: the stateless forms of the layers and losses, for custom forward() methods. Each takes
// PyTorch's positional arguments in PyTorch's order, or keyword arguments as a trailing options object
// (F.log_softmax(x, 1) or F.log_softmax(x, { dim: 1 })); anything else is a TypeError naming the function and the
// argument (signature.ts). The engine's own code calls the ops directly.
import * as un from '../ops/unary';
import * as sm from '../ops/softmax';
import * as mm from '../ops/matmul';
import * as cv from '../ops/conv';
import * as pl from '../ops/pool';
import * as nf from './norm-functional';
import { embedding as embeddingOp } from './embedding';
import { dropout as dropoutOp, dropout2d as dropout2dOp } from './shape-layers';
import type { Tensor } from '../tensor';
import type { ConvPadding, IntOrPair } from '../ops/conv';
import { P, dtypeParam, signature } from '../signature';

export { gaussian_kl } from './loss';

const inplace = P.bool.opt();
const convPadding = P.custom<ConvPadding>(
  "an integer, an array of integers, 'same' or 'valid'",
  (v) => v === 'same' || v === 'valid' || P.intOrTuple.opt().accepts(v),
);

// ---- activations ------------------------------------------------------------------------------------------------

const reluArgs = signature('F.relu', { input: P.tensor.req(), inplace });
export function relu(input: Tensor, inplace?: boolean): Tensor;
export function relu(...args: unknown[]): Tensor {
  return un.relu(reluArgs(args).input);
}

const leakyArgs = signature('F.leaky_relu', { input: P.tensor.req(), negative_slope: P.num.opt(), inplace });
export function leaky_relu(input: Tensor, negative_slope?: number, inplace?: boolean): Tensor;
export function leaky_relu(input: Tensor, opts: { negative_slope?: number; inplace?: boolean }): Tensor;
export function leaky_relu(...args: unknown[]): Tensor {
  const a = leakyArgs(args);
  return un.leaky_relu(a.input, a.negative_slope ?? 0.01);
}

const eluArgs = signature('F.elu', { input: P.tensor.req(), alpha: P.num.opt(), inplace });
export function elu(input: Tensor, alpha?: number, inplace?: boolean): Tensor;
export function elu(input: Tensor, opts: { alpha?: number; inplace?: boolean }): Tensor;
export function elu(...args: unknown[]): Tensor {
  const a = eluArgs(args);
  return un.elu(a.input, a.alpha ?? 1);
}

const geluArgs = signature('F.gelu', { input: P.tensor.req(), approximate: P.unsupported('only the exact erf form is implemented', 'none').opt() });
export function gelu(input: Tensor, approximate?: 'none'): Tensor;
export function gelu(input: Tensor, opts: { approximate?: 'none' }): Tensor;
export function gelu(...args: unknown[]): Tensor {
  return un.gelu(geluArgs(args).input);
}

const sigmoidArgs = signature('F.sigmoid', { input: P.tensor.req() });
export function sigmoid(input: Tensor): Tensor;
export function sigmoid(...args: unknown[]): Tensor {
  return un.sigmoid(sigmoidArgs(args).input);
}

const tanhArgs = signature('F.tanh', { input: P.tensor.req() });
export function tanh(input: Tensor): Tensor;
export function tanh(...args: unknown[]): Tensor {
  return un.tanh(tanhArgs(args).input);
}

const softplusArgs = signature('F.softplus', { input: P.tensor.req(), beta: P.num.opt(), threshold: P.num.opt() });
export function softplus(input: Tensor, beta?: number, threshold?: number): Tensor;
export function softplus(input: Tensor, opts: { beta?: number; threshold?: number }): Tensor;
export function softplus(...args: unknown[]): Tensor {
  const a = softplusArgs(args);
  return un.softplus(a.input, a.beta ?? 1, a.threshold ?? 20);
}

// dim=None: PyTorch guesses a dim with a deprecation warning; Gradlens takes the last one (the class dim of [N, C]).
const softmaxSpec = { input: P.tensor.req(), dim: P.nullableInt.opt(), _stacklevel: P.int.opt(), dtype: dtypeParam };
const softmaxArgs = signature('F.softmax', softmaxSpec);
type SoftmaxOptions = { dim?: number | null; dtype?: 'float32' | null };
export function softmax(input: Tensor, dim?: number | null, _stacklevel?: number, dtype?: 'float32' | null): Tensor;
export function softmax(input: Tensor, opts: SoftmaxOptions): Tensor;
export function softmax(...args: unknown[]): Tensor {
  const a = softmaxArgs(args);
  return sm.softmax(a.input, a.dim ?? -1);
}

const logSoftmaxArgs = signature('F.log_softmax', softmaxSpec);
export function log_softmax(input: Tensor, dim?: number | null, _stacklevel?: number, dtype?: 'float32' | null): Tensor;
export function log_softmax(input: Tensor, opts: SoftmaxOptions): Tensor;
export function log_softmax(...args: unknown[]): Tensor {
  const a = logSoftmaxArgs(args);
  return sm.log_softmax(a.input, a.dim ?? -1);
}

// ---- linear, dropout, convolution, pooling, normalisation, embedding ---------------------------------------------

const linearArgs = signature('F.linear', { input: P.tensor.req(), weight: P.tensor.req(), bias: P.nullableTensor.opt() });
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function linear(...args: unknown[]): Tensor {
  const a = linearArgs(args);
  return mm.linear(a.input, a.weight, a.bias);
}

const dropoutArgs = signature('F.dropout', { input: P.tensor.req(), p: P.num.opt(), training: P.bool.opt(), inplace });
export function dropout(input: Tensor, p?: number, training?: boolean, inplace?: boolean): Tensor;
export function dropout(input: Tensor, opts: { p?: number; training?: boolean; inplace?: boolean }): Tensor;
export function dropout(...args: unknown[]): Tensor {
  const a = dropoutArgs(args);
  return dropoutOp(a.input, a.p ?? 0.5, a.training ?? true);
}

const dropout2dArgs = signature('F.dropout2d', { input: P.tensor.req(), p: P.num.opt(), training: P.bool.opt(), inplace });
export function dropout2d(input: Tensor, p?: number, training?: boolean, inplace?: boolean): Tensor;
export function dropout2d(input: Tensor, opts: { p?: number; training?: boolean; inplace?: boolean }): Tensor;
export function dropout2d(...args: unknown[]): Tensor {
  const a = dropout2dArgs(args);
  return dropout2dOp(a.input, a.p ?? 0.5, a.training ?? true);
}

const convSpec = {
  input: P.tensor.req(),
  weight: P.tensor.req(),
  bias: P.nullableTensor.opt(),
  stride: P.intOrTuple.opt(),
  padding: convPadding.opt(),
  dilation: P.intOrTuple.opt(),
  groups: P.int.opt(),
};
type ConvOptions = { bias?: Tensor | null; stride?: IntOrPair; padding?: ConvPadding; dilation?: IntOrPair; groups?: number };
const conv1dArgs = signature('F.conv1d', convSpec);
const conv2dArgs = signature('F.conv2d', convSpec);
export function conv1d(input: Tensor, weight: Tensor, opts?: ConvOptions): Tensor;
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: ConvOptions): Tensor;
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: IntOrPair,
  padding?: ConvPadding,
  dilation?: IntOrPair,
  groups?: number,
): Tensor;
export function conv1d(...args: unknown[]): Tensor {
  const a = conv1dArgs(args);
  return cv.conv1d(a.input, a.weight, a.bias ?? null, a.stride ?? 1, a.padding ?? 0, a.dilation ?? 1, a.groups ?? 1);
}
export function conv2d(input: Tensor, weight: Tensor, opts?: ConvOptions): Tensor;
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: ConvOptions): Tensor;
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  stride?: IntOrPair,
  padding?: ConvPadding,
  dilation?: IntOrPair,
  groups?: number,
): Tensor;
export function conv2d(...args: unknown[]): Tensor {
  const a = conv2dArgs(args);
  return cv.conv2d(a.input, a.weight, a.bias ?? null, a.stride ?? 1, a.padding ?? 0, a.dilation ?? 1, a.groups ?? 1);
}

const maxPoolArgs = signature('F.max_pool2d', {
  input: P.tensor.req(),
  kernel_size: P.intOrTuple.req(),
  stride: P.nullableIntOrTuple.opt(),
  padding: P.intOrTuple.opt(),
  dilation: P.intOrTuple.opt(),
  ceil_mode: P.bool.opt(),
  return_indices: P.unsupported('Gradlens does not return pooling indices', false).opt(),
});
type MaxPoolOptions = { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; ceil_mode?: boolean; return_indices?: false };
export function max_pool2d(input: Tensor, kernel_size: IntOrPair, opts?: MaxPoolOptions): Tensor;
export function max_pool2d(
  input: Tensor,
  kernel_size: IntOrPair,
  stride?: IntOrPair | null,
  padding?: IntOrPair,
  dilation?: IntOrPair,
  ceil_mode?: boolean,
  return_indices?: false,
): Tensor;
export function max_pool2d(...args: unknown[]): Tensor {
  const a = maxPoolArgs(args);
  return pl.max_pool2d(a.input, a.kernel_size, a.stride ?? null, a.padding ?? 0, a.dilation ?? 1, a.ceil_mode ?? false);
}

const avgPoolArgs = signature('F.avg_pool2d', {
  input: P.tensor.req(),
  kernel_size: P.intOrTuple.req(),
  stride: P.nullableIntOrTuple.opt(),
  padding: P.intOrTuple.opt(),
  ceil_mode: P.bool.opt(),
  count_include_pad: P.bool.opt(),
  divisor_override: P.nullableInt.opt(),
});
type AvgPoolOptions = { stride?: IntOrPair | null; padding?: IntOrPair; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null };
export function avg_pool2d(input: Tensor, kernel_size: IntOrPair, opts?: AvgPoolOptions): Tensor;
export function avg_pool2d(
  input: Tensor,
  kernel_size: IntOrPair,
  stride?: IntOrPair | null,
  padding?: IntOrPair,
  ceil_mode?: boolean,
  count_include_pad?: boolean,
  divisor_override?: number | null,
): Tensor;
export function avg_pool2d(...args: unknown[]): Tensor {
  const a = avgPoolArgs(args);
  return pl.avg_pool2d(a.input, a.kernel_size, a.stride ?? null, a.padding ?? 0, a.ceil_mode ?? false, a.count_include_pad ?? true, a.divisor_override ?? null);
}

const adaptiveArgs = signature('F.adaptive_avg_pool2d', {
  input: P.tensor.req(),
  output_size: P.custom<number | readonly (number | null)[]>(
    'an integer or an array of integers (or null)',
    (v) => Number.isInteger(v) || (Array.isArray(v) && v.every((x) => x === null || Number.isInteger(x))),
  ).req(),
});
export function adaptive_avg_pool2d(input: Tensor, output_size: number | readonly (number | null)[]): Tensor;
export function adaptive_avg_pool2d(...args: unknown[]): Tensor {
  const a = adaptiveArgs(args);
  return pl.adaptive_avg_pool2d(a.input, a.output_size);
}

const batchNormArgs = signature('F.batch_norm', {
  input: P.tensor.req(),
  running_mean: P.nullableTensor.req(),
  running_var: P.nullableTensor.req(),
  weight: P.nullableTensor.opt(),
  bias: P.nullableTensor.opt(),
  training: P.bool.opt(),
  momentum: P.num.opt(),
  eps: P.num.opt(),
});
type BatchNormFOptions = { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number };
export function batch_norm(input: Tensor, running_mean: Tensor | null, running_var: Tensor | null, opts?: BatchNormFOptions): Tensor;
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  training?: boolean,
  momentum?: number,
  eps?: number,
): Tensor;
export function batch_norm(...args: unknown[]): Tensor {
  const a = batchNormArgs(args);
  return nf.batch_norm(a.input, a.running_mean, a.running_var, a.weight ?? null, a.bias ?? null, a.training ?? false, a.momentum ?? 0.1, a.eps ?? 1e-5);
}

const layerNormArgs = signature('F.layer_norm', {
  input: P.tensor.req(),
  normalized_shape: P.intOrTuple.req(),
  weight: P.nullableTensor.opt(),
  bias: P.nullableTensor.opt(),
  eps: P.num.opt(),
});
type LayerNormFOptions = { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
export function layer_norm(input: Tensor, normalized_shape: number | readonly number[], opts?: LayerNormFOptions): Tensor;
export function layer_norm(input: Tensor, normalized_shape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps?: number): Tensor;
export function layer_norm(...args: unknown[]): Tensor {
  const a = layerNormArgs(args);
  return nf.layer_norm(a.input, a.normalized_shape, a.weight ?? null, a.bias ?? null, a.eps ?? 1e-5);
}

const embeddingArgs = signature('F.embedding', {
  input: P.tensor.req(),
  weight: P.tensor.req(),
  padding_idx: P.nullableInt.opt(),
  max_norm: P.unsupported('max_norm renormalisation is not implemented').opt(),
  norm_type: P.unsupported('only used with max_norm', 2).opt(),
  scale_grad_by_freq: P.unsupported('not implemented', false).opt(),
  sparse: P.unsupported('sparse gradients are not implemented', false).opt(),
});
export function embedding(input: Tensor, weight: Tensor, padding_idx?: number | null): Tensor;
export function embedding(input: Tensor, weight: Tensor, opts: { padding_idx?: number | null }): Tensor;
export function embedding(...args: unknown[]): Tensor {
  const a = embeddingArgs(args);
  return embeddingOp(a.input, a.weight, a.padding_idx ?? null);
}

export * from './functional-loss';
