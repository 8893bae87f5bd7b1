// Activation modules with PyTorch's constructor arguments. Each names its nonlinearity so the saturation detector
// knows which range is saturated. `inplace` is accepted and computes out of place: the result is the same, and the
// autograd never sees an overwritten input.
import * as un from '../ops/unary';
import * as sm from '../ops/softmax';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { P, signature } from '../signature';

const reluArgs = signature('nn.ReLU', { inplace: P.bool.opt() });
const leakyArgs = signature('nn.LeakyReLU', { negative_slope: P.num.opt(), inplace: P.bool.opt() });
const eluArgs = signature('nn.ELU', { alpha: P.num.opt(), inplace: P.bool.opt() });
const geluArgs = signature('nn.GELU', { approximate: P.unsupported("only the exact erf form is implemented", 'none').opt() });
const sigmoidArgs = signature('nn.Sigmoid', {});
const tanhArgs = signature('nn.Tanh', {});
const softplusArgs = signature('nn.Softplus', { beta: P.num.opt(), threshold: P.num.opt() });
const softmaxArgs = signature('nn.Softmax', { dim: P.nullableInt.opt() });
const logSoftmaxArgs = signature('nn.LogSoftmax', { dim: P.nullableInt.opt() });

export class ReLU extends Module {
  constructor(inplace?: boolean);
  constructor(opts: { inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    reluArgs(args);
  }
  forward(x: Tensor): Tensor {
    return un.relu(x);
  }
}

export class LeakyReLU extends Module {
  readonly negative_slope: number;
  constructor(negative_slope?: number, inplace?: boolean);
  constructor(opts: { negative_slope?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    this.negative_slope = leakyArgs(args).negative_slope ?? 0.01;
  }
  forward(x: Tensor): Tensor {
    return un.leaky_relu(x, this.negative_slope);
  }
  override extra_repr(): string {
    return `negative_slope=${this.negative_slope}`;
  }
}

export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha?: number, inplace?: boolean);
  constructor(opts: { alpha?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    this.alpha = eluArgs(args).alpha ?? 1;
  }
  forward(x: Tensor): Tensor {
    return un.elu(x, this.alpha);
  }
  override extra_repr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GELU extends Module {
  constructor(approximate?: 'none');
  constructor(opts: { approximate?: 'none' });
  constructor(...args: unknown[]) {
    super();
    geluArgs(args);
  }
  forward(x: Tensor): Tensor {
    return un.gelu(x);
  }
}

export class Sigmoid extends Module {
  constructor(...args: []) {
    super();
    sigmoidArgs(args);
  }
  forward(x: Tensor): Tensor {
    return un.sigmoid(x);
  }
}

export class Tanh extends Module {
  constructor(...args: []) {
    super();
    tanhArgs(args);
  }
  forward(x: Tensor): Tensor {
    return un.tanh(x);
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta?: number, threshold?: number);
  constructor(opts: { beta?: number; threshold?: number });
  constructor(...args: unknown[]) {
    super();
    const a = softplusArgs(args);
    this.beta = a.beta ?? 1;
    this.threshold = a.threshold ?? 20;
  }
  forward(x: Tensor): Tensor {
    return un.softplus(x, this.beta, this.threshold);
  }
}

// dim=None: PyTorch then guesses a dim with a deprecation warning; Gradlens takes the last dim (the class dim of
// [N, C] logits, where both agree).
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim?: number | null);
  constructor(opts: { dim?: number | null });
  constructor(...args: unknown[]) {
    super();
    this.dim = softmaxArgs(args).dim ?? -1;
  }
  forward(x: Tensor): Tensor {
    return sm.softmax(x, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  readonly dim: number;
  constructor(dim?: number | null);
  constructor(opts: { dim?: number | null });
  constructor(...args: unknown[]) {
    super();
    this.dim = logSoftmaxArgs(args).dim ?? -1;
  }
  forward(x: Tensor): Tensor {
    return sm.log_softmax(x, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}
