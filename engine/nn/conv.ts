// nn.Conv1d and nn.Conv2d: PyTorch's constructor arguments, weight [out, in/groups, ...kernel] and default
// initialisation (kaiming_uniform_(a=sqrt(5)), bias U(±1/sqrt(fan_in))). The math lives in ops/conv.ts.
import { full } from '../creation';
import { conv1d, conv2d, ntuple, tupleStr, type ConvPadding, type IntOrPair } from '../ops/conv';
import type { Tensor } from '../tensor';
import { defaultLayerInit } from './init';
import { Module } from './module';
import { Parameter } from './parameter';
import { P, deviceParam, dtypeParam, signature } from '../signature';

const convPadding = P.custom<ConvPadding>(
  "an integer, an array of integers, 'same' or 'valid'",
  (v) => v === 'same' || v === 'valid' || P.intOrTuple.opt().accepts(v),
);

function convSignature(name: string) {
  return signature(name, {
    in_channels: P.int.req(),
    out_channels: P.int.req(),
    kernel_size: P.intOrTuple.req(),
    stride: P.intOrTuple.opt(),
    padding: convPadding.opt(),
    dilation: P.intOrTuple.opt(),
    groups: P.int.opt(),
    bias: P.bool.opt(),
    padding_mode: P.unsupported('only zero padding is implemented', 'zeros').opt(),
    device: deviceParam,
    dtype: dtypeParam,
  });
}
const conv1dArgs = convSignature('nn.Conv1d');
const conv2dArgs = convSignature('nn.Conv2d');

export interface ConvLayerOptions {
  stride?: IntOrPair;
  padding?: ConvPadding;
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
  /** Only 'zeros' is implemented. */
  padding_mode?: 'zeros';
}

abstract class ConvNd extends Module {
  readonly kernel_size: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in_channels: number,
    readonly out_channels: number,
    kernel_size: IntOrPair,
    opts: ConvLayerOptions,
    dims: number,
  ) {
    super();
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`groups must be a positive integer, got ${groups}`);
    if (in_channels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (out_channels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    if (opts.padding_mode !== undefined && opts.padding_mode !== 'zeros') {
      throw new Error(`padding_mode '${String(opts.padding_mode)}' is not supported (only 'zeros')`);
    }
    this.kernel_size = ntuple(kernel_size, dims, 'kernel_size', 1);
    this.stride = ntuple(opts.stride ?? 1, dims, 'stride', 1);
    this.dilation = ntuple(opts.dilation ?? 1, dims, 'dilation', 1);
    const padding = opts.padding ?? 0;
    if (padding === 'same' && this.stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
    this.padding = typeof padding === 'string' ? padding : ntuple(padding, dims, 'padding');
    this.groups = groups;
    this.weight = new Parameter(full([out_channels, in_channels / groups, ...this.kernel_size], 0));
    this.bias = opts.bias === false ? null : new Parameter(full([out_channels], 0));
    defaultLayerInit(this.weight, this.bias);
  }

  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${tupleStr(this.kernel_size)}, stride=${tupleStr(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${tupleStr(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tupleStr(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** 1-D convolution over [N, C_in, L] (or unbatched [C_in, L]). */
export class Conv1d extends ConvNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair, opts?: ConvLayerOptions);
  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: IntOrPair,
    stride?: IntOrPair,
    padding?: ConvPadding,
    dilation?: IntOrPair,
    groups?: number,
    bias?: boolean,
    padding_mode?: 'zeros',
    opts?: ConvLayerOptions,
  );
  constructor(...args: unknown[]) {
    const a = conv1dArgs(args);
    super(a.in_channels, a.out_channels, a.kernel_size, { ...a, padding_mode: a.padding_mode ?? undefined }, 1);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** 2-D convolution over [N, C_in, H, W] (or unbatched [C_in, H, W]). */
export class Conv2d extends ConvNd {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrPair, opts?: ConvLayerOptions);
  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: IntOrPair,
    stride?: IntOrPair,
    padding?: ConvPadding,
    dilation?: IntOrPair,
    groups?: number,
    bias?: boolean,
    padding_mode?: 'zeros',
    opts?: ConvLayerOptions,
  );
  constructor(...args: unknown[]) {
    const a = conv2dArgs(args);
    super(a.in_channels, a.out_channels, a.kernel_size, { ...a, padding_mode: a.padding_mode ?? undefined }, 2);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
