// The losses of torch.nn.functional with PyTorch's positional arguments in PyTorch's order (deprecated
// size_average/reduce included, so that positions line up; they are refused: use reduction) or an options object.
import * as ls from './loss';
import type { Tensor } from '../tensor';
import type { Reduction } from './loss';
import { P, deprecatedReduce, signature } from '../signature';

type Opts<T> = { [K in keyof T]?: T[K] };
const reduction = P.oneOf('mean', 'sum', 'none').opt();
const noWeight = P.unsupported('class weights are not implemented').opt();

type Deprecated = null | undefined;
type ReductionOptions = { reduction?: Reduction };
const plainLoss = (name: string) =>
  signature(name, { input: P.tensor.req(), target: P.tensor.req(), size_average: deprecatedReduce, reduce: deprecatedReduce, reduction });

const mseArgs = plainLoss('F.mse_loss');
export function mse_loss(input: Tensor, target: Tensor, opts?: ReductionOptions): Tensor;
export function mse_loss(input: Tensor, target: Tensor, size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction): Tensor;
export function mse_loss(...args: unknown[]): Tensor {
  const a = mseArgs(args);
  return ls.mse_loss(a.input, a.target, a.reduction);
}

const l1Args = plainLoss('F.l1_loss');
export function l1_loss(input: Tensor, target: Tensor, opts?: ReductionOptions): Tensor;
export function l1_loss(input: Tensor, target: Tensor, size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction): Tensor;
export function l1_loss(...args: unknown[]): Tensor {
  const a = l1Args(args);
  return ls.l1_loss(a.input, a.target, a.reduction);
}

const crossEntropyArgs = signature('F.cross_entropy', {
  input: P.tensor.req(),
  target: P.tensor.req(),
  weight: noWeight,
  size_average: deprecatedReduce,
  ignore_index: P.int.opt(),
  reduce: deprecatedReduce,
  reduction,
  label_smoothing: P.num.opt(),
});
type CrossEntropyOptions = { reduction?: Reduction; ignore_index?: number; label_smoothing?: number };
export function cross_entropy(input: Tensor, target: Tensor, opts?: CrossEntropyOptions): Tensor;
export function cross_entropy(
  input: Tensor,
  target: Tensor,
  weight?: null,
  size_average?: Deprecated,
  ignore_index?: number,
  reduce?: Deprecated,
  reduction?: Reduction,
  label_smoothing?: number,
): Tensor;
export function cross_entropy(...args: unknown[]): Tensor {
  const a = crossEntropyArgs(args);
  return ls.cross_entropy(a.input, a.target, a.reduction, a.ignore_index ?? -100, a.label_smoothing ?? 0);
}

const nllArgs = signature('F.nll_loss', {
  input: P.tensor.req(),
  target: P.tensor.req(),
  weight: noWeight,
  size_average: deprecatedReduce,
  ignore_index: P.unsupported('ignore_index is not implemented for nll_loss', -100).opt(),
  reduce: deprecatedReduce,
  reduction,
});
export function nll_loss(input: Tensor, target: Tensor, opts?: ReductionOptions): Tensor;
export function nll_loss(input: Tensor, target: Tensor, weight?: null, size_average?: Deprecated, ignore_index?: -100, reduce?: Deprecated, reduction?: Reduction): Tensor;
export function nll_loss(...args: unknown[]): Tensor {
  const a = nllArgs(args);
  return ls.nll_loss(a.input, a.target, a.reduction);
}

const bceArgs = signature('F.binary_cross_entropy', {
  input: P.tensor.req(),
  target: P.tensor.req(),
  weight: noWeight,
  size_average: deprecatedReduce,
  reduce: deprecatedReduce,
  reduction,
});
export function binary_cross_entropy(input: Tensor, target: Tensor, opts?: ReductionOptions): Tensor;
export function binary_cross_entropy(input: Tensor, target: Tensor, weight?: null, size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction): Tensor;
export function binary_cross_entropy(...args: unknown[]): Tensor {
  const a = bceArgs(args);
  return ls.binary_cross_entropy(a.input, a.target, a.reduction);
}

const bceLogitsArgs = signature('F.binary_cross_entropy_with_logits', {
  input: P.tensor.req(),
  target: P.tensor.req(),
  weight: noWeight,
  size_average: deprecatedReduce,
  reduce: deprecatedReduce,
  reduction,
  pos_weight: P.custom<number | Tensor>('a number or a one-element Tensor', (v) => typeof v === 'number' || (P.tensor.opt().accepts(v) && (v as Tensor).data.length === 1)).opt(),
});
type BCELogitsOptions = { reduction?: Reduction; pos_weight?: number | Tensor };
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor, opts?: BCELogitsOptions): Tensor;
export function binary_cross_entropy_with_logits(
  input: Tensor,
  target: Tensor,
  weight?: null,
  size_average?: Deprecated,
  reduce?: Deprecated,
  reduction?: Reduction,
  pos_weight?: number | Tensor,
): Tensor;
export function binary_cross_entropy_with_logits(...args: unknown[]): Tensor {
  const a = bceLogitsArgs(args);
  const pw = a.pos_weight === undefined ? undefined : typeof a.pos_weight === 'number' ? a.pos_weight : a.pos_weight.data[0];
  return ls.binary_cross_entropy_with_logits(a.input, a.target, a.reduction, pw);
}

const klArgs = signature('F.kl_div', {
  input: P.tensor.req(),
  target: P.tensor.req(),
  size_average: deprecatedReduce,
  reduce: deprecatedReduce,
  reduction: P.oneOf('mean', 'sum', 'none', 'batchmean').opt(),
  log_target: P.unsupported('log_target is not implemented', false).opt(),
});
type KLOptions = Opts<{ reduction: Reduction | 'batchmean'; log_target: false }>;
export function kl_div(input: Tensor, target: Tensor, opts?: KLOptions): Tensor;
export function kl_div(input: Tensor, target: Tensor, size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction | 'batchmean', log_target?: false): Tensor;
export function kl_div(...args: unknown[]): Tensor {
  const a = klArgs(args);
  return ls.kl_div(a.input, a.target, a.reduction ?? 'mean');
}

const smoothL1Args = signature('F.smooth_l1_loss', {
  input: P.tensor.req(),
  target: P.tensor.req(),
  size_average: deprecatedReduce,
  reduce: deprecatedReduce,
  reduction,
  beta: P.num.opt(),
});
export function smooth_l1_loss(input: Tensor, target: Tensor, opts?: { reduction?: Reduction; beta?: number }): Tensor;
export function smooth_l1_loss(input: Tensor, target: Tensor, size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction, beta?: number): Tensor;
export function smooth_l1_loss(...args: unknown[]): Tensor {
  const a = smoothL1Args(args);
  return ls.smooth_l1_loss(a.input, a.target, a.reduction, a.beta ?? 1);
}
