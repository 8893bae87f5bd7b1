// nn.Linear: y = x·Wᵀ + b, weight [out_features, in_features], PyTorch's default initialisation.
import { full } from '../creation';
import { linear } from '../ops/matmul';
import type { Tensor } from '../tensor';
import { defaultLayerInit } from './init';
import { Module } from './module';
import { Parameter } from './parameter';
import { P, deviceParam, dtypeParam, signature } from '../signature';

const linearArgs = signature('nn.Linear', {
  in_features: P.int.req(),
  out_features: P.int.req(),
  bias: P.bool.opt(),
  device: deviceParam,
  dtype: dtypeParam,
});

export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  readonly in_features: number;
  readonly out_features: number;

  constructor(in_features: number, out_features: number, opts?: { bias?: boolean });
  constructor(in_features: number, out_features: number, bias?: boolean, opts?: { bias?: boolean });
  constructor(...args: unknown[]) {
    super();
    const a = linearArgs(args);
    const { in_features, out_features } = a;
    this.in_features = in_features;
    this.out_features = out_features;
    this.weight = new Parameter(full([out_features, in_features], 0));
    this.bias = a.bias === false ? null : new Parameter(full([out_features], 0));
    defaultLayerInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `${this.in_features}, ${this.out_features}${this.bias ? '' : ', bias=false'}`;
  }
}

/** nn.Identity: returns its input (a placeholder that keeps module paths stable). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
