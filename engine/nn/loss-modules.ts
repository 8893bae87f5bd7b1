// The loss modules (nn.MSELoss, nn.CrossEntropyLoss, ...) with PyTorch's constructor arguments in PyTorch's order,
// deprecated size_average/reduce included so that positions line up (they are refused: use reduction). The math is
// in loss.ts.
import type { Tensor } from '../tensor';
import {
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
  cross_entropy,
  kl_div,
  l1_loss,
  mse_loss,
  nll_loss,
  smooth_l1_loss,
  type Reduction,
} from './loss';
import { Module } from './module';
import { P, deprecatedReduce, signature } from '../signature';

const reduction = P.oneOf('mean', 'sum', 'none').opt();
const noWeight = P.unsupported('class weights are not implemented').opt();
const plainSignature = (name: string) => signature(name, { size_average: deprecatedReduce, reduce: deprecatedReduce, reduction });
const mseArgs = plainSignature('nn.MSELoss');
const l1Args = plainSignature('nn.L1Loss');
const smoothL1Args = signature('nn.SmoothL1Loss', { size_average: deprecatedReduce, reduce: deprecatedReduce, reduction, beta: P.num.opt() });
const crossEntropyArgs = signature('nn.CrossEntropyLoss', {
  weight: noWeight,
  size_average: deprecatedReduce,
  ignore_index: P.int.opt(),
  reduce: deprecatedReduce,
  reduction,
  label_smoothing: P.num.opt(),
});
const nllArgs = signature('nn.NLLLoss', {
  weight: noWeight,
  size_average: deprecatedReduce,
  ignore_index: P.unsupported('ignore_index is not implemented for NLLLoss', -100).opt(),
  reduce: deprecatedReduce,
  reduction,
});
const bceArgs = signature('nn.BCELoss', { weight: noWeight, size_average: deprecatedReduce, reduce: deprecatedReduce, reduction });
const bceLogitsArgs = signature('nn.BCEWithLogitsLoss', {
  weight: noWeight,
  size_average: deprecatedReduce,
  reduce: deprecatedReduce,
  reduction,
  pos_weight: P.custom<number | Tensor>('a number or a one-element Tensor', (v) => typeof v === 'number' || (isTensor(v) && v.data.length === 1)).opt(),
});
const klArgs = signature('nn.KLDivLoss', {
  size_average: deprecatedReduce,
  reduce: deprecatedReduce,
  reduction: P.oneOf('mean', 'sum', 'none', 'batchmean').opt(),
  log_target: P.unsupported('log_target is not implemented', false).opt(),
});

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'data' in v && (v as { data: unknown }).data instanceof Float32Array;
}

type ReductionOptions = { reduction?: Reduction };
type Deprecated = null | undefined;

abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }
  override extra_repr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

export class MSELoss extends Loss {
  constructor(opts?: ReductionOptions);
  constructor(size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction, opts?: ReductionOptions);
  constructor(...args: unknown[]) {
    super(mseArgs(args).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mse_loss(input, target, this.reduction);
  }
}

export class L1Loss extends Loss {
  constructor(opts?: ReductionOptions);
  constructor(size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction, opts?: ReductionOptions);
  constructor(...args: unknown[]) {
    super(l1Args(args).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1_loss(input, target, this.reduction);
  }
}

type CrossEntropyOptions = { reduction?: Reduction; ignore_index?: number; label_smoothing?: number };
export class CrossEntropyLoss extends Loss {
  readonly ignore_index: number;
  readonly label_smoothing: number;
  constructor(opts?: CrossEntropyOptions);
  constructor(
    weight?: null,
    size_average?: Deprecated,
    ignore_index?: number,
    reduce?: Deprecated,
    reduction?: Reduction,
    label_smoothing?: number,
    opts?: CrossEntropyOptions,
  );
  constructor(...args: unknown[]) {
    const a = crossEntropyArgs(args);
    super(a.reduction);
    this.ignore_index = a.ignore_index ?? -100;
    this.label_smoothing = a.label_smoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return cross_entropy(input, target, this.reduction, this.ignore_index, this.label_smoothing);
  }
}

export class NLLLoss extends Loss {
  constructor(opts?: ReductionOptions);
  constructor(weight?: null, size_average?: Deprecated, ignore_index?: -100, reduce?: Deprecated, reduction?: Reduction, opts?: ReductionOptions);
  constructor(...args: unknown[]) {
    super(nllArgs(args).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nll_loss(input, target, this.reduction);
  }
}

export class BCELoss extends Loss {
  constructor(opts?: ReductionOptions);
  constructor(weight?: null, size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction, opts?: ReductionOptions);
  constructor(...args: unknown[]) {
    super(bceArgs(args).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy(input, target, this.reduction);
  }
}

type BCEWithLogitsOptions = { reduction?: Reduction; pos_weight?: number | Tensor };
export class BCEWithLogitsLoss extends Loss {
  readonly pos_weight: number | undefined;
  constructor(opts?: BCEWithLogitsOptions);
  constructor(
    weight?: null,
    size_average?: Deprecated,
    reduce?: Deprecated,
    reduction?: Reduction,
    pos_weight?: number | Tensor,
    opts?: BCEWithLogitsOptions,
  );
  constructor(...args: unknown[]) {
    const a = bceLogitsArgs(args);
    super(a.reduction);
    this.pos_weight = a.pos_weight === undefined ? undefined : typeof a.pos_weight === 'number' ? a.pos_weight : a.pos_weight.data[0];
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy_with_logits(input, target, this.reduction, this.pos_weight);
  }
}

type KLDivOptions = { reduction?: Reduction | 'batchmean'; log_target?: false };
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly opts: { reduction?: Reduction | 'batchmean' };
  constructor(opts?: KLDivOptions);
  constructor(size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction | 'batchmean', log_target?: false, opts?: KLDivOptions);
  constructor(...args: unknown[]) {
    super();
    this.opts = { reduction: klArgs(args).reduction };
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return kl_div(input, target, this.opts.reduction ?? 'mean');
  }
}

type SmoothL1Options = { reduction?: Reduction; beta?: number };
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts?: SmoothL1Options);
  constructor(size_average?: Deprecated, reduce?: Deprecated, reduction?: Reduction, beta?: number, opts?: SmoothL1Options);
  constructor(...args: unknown[]) {
    const a = smoothL1Args(args);
    super(a.reduction);
    this.beta = a.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smooth_l1_loss(input, target, this.reduction, this.beta);
  }
}
