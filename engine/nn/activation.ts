// Activation modules. Each names its nonlinearity so the saturation detector knows which range is saturated.
import * as un from '../ops/unary';
import * as sm from '../ops/softmax';
import type { Tensor } from '../tensor';
import { Module } from './module';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return un.relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negative_slope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return un.leaky_relu(x, this.negative_slope);
  }
  override extra_repr(): string {
    return `negative_slope=${this.negative_slope}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return un.elu(x, this.alpha);
  }
  override extra_repr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GELU extends Module {
  forward(x: Tensor): Tensor {
    return un.gelu(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return un.sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return un.tanh(x);
  }
}

export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return un.softplus(x, this.beta, this.threshold);
  }
}

export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return sm.softmax(x, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return sm.log_softmax(x, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}
