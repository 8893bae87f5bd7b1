// nn.init: PyTorch's initialisers with its fan and gain conventions (torch/nn/init.py), drawing from the engine's
// seeded generator.
import { defaultGenerator, type Generator } from '../random';
import type { Tensor } from '../tensor';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export function calculate_gain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field. */
export function calculate_fan_in_and_fan_out(t: Tensor): [number, number] {
  if (t.shape.length < 2) throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (let i = 2; i < t.shape.length; i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

type Mode = 'fan_in' | 'fan_out';

function fan(t: Tensor, mode: Mode): number {
  const [fi, fo] = calculate_fan_in_and_fan_out(t);
  return mode === 'fan_in' ? fi : fo;
}

export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  return t.uniform_(a, b, generator);
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  return t.normal_(mean, std, generator);
}

export function constant_(t: Tensor, v: number): Tensor {
  return t.fill_(v);
}

export const zeros_ = (t: Tensor): Tensor => t.fill_(0);
export const ones_ = (t: Tensor): Tensor => t.fill_(1);

export function xavier_uniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fi, fo] = calculate_fan_in_and_fan_out(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return t.uniform_(-a, a, generator);
}

export function xavier_normal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fi, fo] = calculate_fan_in_and_fan_out(t);
  return t.normal_(0, gain * Math.sqrt(2 / (fi + fo)), generator);
}

export interface KaimingOptions {
  a?: number;
  mode?: Mode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

export function kaiming_uniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const gain = calculate_gain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan(t, opts.mode ?? 'fan_in')));
  return t.uniform_(-bound, bound, opts.generator ?? defaultGenerator);
}

export function kaiming_normal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const gain = calculate_gain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return t.normal_(0, gain / Math.sqrt(fan(t, opts.mode ?? 'fan_in')), opts.generator ?? defaultGenerator);
}

// Aliases users of other frameworks look for.
export const glorot_uniform_ = xavier_uniform_;
export const glorot_normal_ = xavier_normal_;
export const he_uniform_ = (t: Tensor, generator?: Generator): Tensor => kaiming_uniform_(t, { nonlinearity: 'relu', generator });
export const he_normal_ = (t: Tensor, generator?: Generator): Tensor => kaiming_normal_(t, { nonlinearity: 'relu', generator });

/**
 * PyTorch's default for Linear and Conv layers: weight kaiming_uniform_(a=sqrt(5)) (= U(-1/sqrt(fan_in), 1/sqrt(fan_in))),
 * bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null): void {
  kaiming_uniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fi] = calculate_fan_in_and_fan_out(weight);
    const bound = fi > 0 ? 1 / Math.sqrt(fi) : 0;
    bias.uniform_(-bound, bound);
  }
}
