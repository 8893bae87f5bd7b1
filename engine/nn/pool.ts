// Pooling layers: nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d (PyTorch arguments; stride defaults to
// kernel_size). The math lives in ops/pool.ts.
import { ntuple, type IntOrPair } from '../ops/conv';
import { adaptive_avg_pool2d, avg_pool2d, max_pool2d } from '../ops/pool';
import type { Tensor } from '../tensor';
import { Module } from './module';

const show = (v: IntOrPair | readonly (number | null)[]): string =>
  typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : String(x))).join(', ')})`;

export class MaxPool2d extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceil_mode: boolean;

  constructor(
    readonly kernel_size: IntOrPair,
    opts: { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; ceil_mode?: boolean } = {},
  ) {
    super();
    if (opts.dilation !== undefined && ntuple(opts.dilation, 2, 'dilation', 1).some((d) => d !== 1)) {
      throw new Error('MaxPool2d: dilation other than 1 is not supported');
    }
    this.stride = opts.stride ?? kernel_size;
    this.padding = opts.padding ?? 0;
    this.ceil_mode = opts.ceil_mode ?? false;
  }

  forward(x: Tensor): Tensor {
    return max_pool2d(x, this.kernel_size, { stride: this.stride, padding: this.padding, ceil_mode: this.ceil_mode });
  }

  override extra_repr(): string {
    return `kernel_size=${show(this.kernel_size)}, stride=${show(this.stride)}, padding=${show(this.padding)}${this.ceil_mode ? ', ceil_mode=True' : ''}`;
  }
}

export class AvgPool2d extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceil_mode: boolean;
  readonly count_include_pad: boolean;
  readonly divisor_override: number | null;

  constructor(
    readonly kernel_size: IntOrPair,
    opts: { stride?: IntOrPair | null; padding?: IntOrPair; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null } = {},
  ) {
    super();
    this.stride = opts.stride ?? kernel_size;
    this.padding = opts.padding ?? 0;
    this.ceil_mode = opts.ceil_mode ?? false;
    this.count_include_pad = opts.count_include_pad ?? true;
    this.divisor_override = opts.divisor_override ?? null;
  }

  forward(x: Tensor): Tensor {
    return avg_pool2d(x, this.kernel_size, {
      stride: this.stride,
      padding: this.padding,
      ceil_mode: this.ceil_mode,
      count_include_pad: this.count_include_pad,
      divisor_override: this.divisor_override,
    });
  }

  override extra_repr(): string {
    return `kernel_size=${show(this.kernel_size)}, stride=${show(this.stride)}, padding=${show(this.padding)}${this.count_include_pad ? '' : ', count_include_pad=False'}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly output_size: number | readonly (number | null)[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptive_avg_pool2d(x, this.output_size);
  }

  override extra_repr(): string {
    return `output_size=${show(this.output_size)}`;
  }
}
