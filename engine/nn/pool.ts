// Pooling layers: nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d (PyTorch arguments; stride defaults to
// kernel_size). The math lives in ops/pool.ts.
import { ntuple, type IntOrPair } from '../ops/conv';
import { adaptive_avg_pool2d, avg_pool2d, max_pool2d } from '../ops/pool';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { P, signature } from '../signature';

const maxPoolArgs = signature('nn.MaxPool2d', {
  kernel_size: P.intOrTuple.req(),
  stride: P.nullableIntOrTuple.opt(),
  padding: P.intOrTuple.opt(),
  dilation: P.intOrTuple.opt(),
  return_indices: P.unsupported('Gradlens does not return pooling indices', false).opt(),
  ceil_mode: P.bool.opt(),
});
const avgPoolArgs = signature('nn.AvgPool2d', {
  kernel_size: P.intOrTuple.req(),
  stride: P.nullableIntOrTuple.opt(),
  padding: P.intOrTuple.opt(),
  ceil_mode: P.bool.opt(),
  count_include_pad: P.bool.opt(),
  divisor_override: P.nullableInt.opt(),
});
const adaptiveArgs = signature('nn.AdaptiveAvgPool2d', {
  output_size: P.custom<number | readonly (number | null)[]>(
    'an integer or an array of integers (or null)',
    (v) => Number.isInteger(v) || (Array.isArray(v) && v.every((x) => x === null || Number.isInteger(x))),
  ).req(),
});

type MaxPoolOptions = { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; return_indices?: false; ceil_mode?: boolean };
type AvgPoolOptions = { stride?: IntOrPair | null; padding?: IntOrPair; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null };

const show = (v: IntOrPair | readonly (number | null)[]): string =>
  typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : String(x))).join(', ')})`;

export class MaxPool2d extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceil_mode: boolean;

  readonly kernel_size: IntOrPair;

  constructor(kernel_size: IntOrPair, opts?: MaxPoolOptions);
  constructor(
    kernel_size: IntOrPair,
    stride?: IntOrPair | null,
    padding?: IntOrPair,
    dilation?: IntOrPair,
    return_indices?: false,
    ceil_mode?: boolean,
    opts?: MaxPoolOptions,
  );
  constructor(...args: unknown[]) {
    super();
    const opts = maxPoolArgs(args);
    const kernel_size = opts.kernel_size;
    this.kernel_size = kernel_size;
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

  readonly kernel_size: IntOrPair;

  constructor(kernel_size: IntOrPair, opts?: AvgPoolOptions);
  constructor(
    kernel_size: IntOrPair,
    stride?: IntOrPair | null,
    padding?: IntOrPair,
    ceil_mode?: boolean,
    count_include_pad?: boolean,
    divisor_override?: number | null,
    opts?: AvgPoolOptions,
  );
  constructor(...args: unknown[]) {
    super();
    const opts = avgPoolArgs(args);
    const kernel_size = opts.kernel_size;
    this.kernel_size = kernel_size;
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
  readonly output_size: number | readonly (number | null)[];
  constructor(output_size: number | readonly (number | null)[]);
  constructor(...args: unknown[]) {
    super();
    this.output_size = adaptiveArgs(args).output_size;
  }

  forward(x: Tensor): Tensor {
    return adaptive_avg_pool2d(x, this.output_size);
  }

  override extra_repr(): string {
    return `output_size=${show(this.output_size)}`;
  }
}
