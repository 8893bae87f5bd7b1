// Normalisation layers: nn.BatchNorm1d, nn.BatchNorm2d (running statistics as buffers, train/eval behaviour and
// momentum exactly as PyTorch 1.13) and nn.LayerNorm. The math lives in norm-functional.ts.
import { full } from '../creation';
import { ShapeError, shapeStr } from '../errors';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { batch_norm, layer_norm } from './norm-functional';
import { Parameter } from './parameter';
import { P, deviceParam, dtypeParam, signature } from '../signature';

/** A float as Python prints it (1e-05, 0.1), so reprs read like PyTorch's. */
export function pyFloat(v: number): string {
  if (Number.isInteger(v)) return v.toFixed(1);
  if (Math.abs(v) < 1e-4) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

export interface BatchNormOptions {
  eps?: number;
  /** null: cumulative moving average (1 / num_batches_tracked), as PyTorch's momentum=None. */
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
}

export interface LayerNormOptions {
  eps?: number;
  elementwise_affine?: boolean;
  /** Only true: a LayerNorm without its bias is not implemented. */
  bias?: true;
}

const batchNormSignatures = new Map(
  ['nn.BatchNorm1d', 'nn.BatchNorm2d'].map((name) => [
    name,
    signature(name, {
      num_features: P.int.req(),
      eps: P.num.opt(),
      momentum: P.nullableNum.opt(),
      affine: P.bool.opt(),
      track_running_stats: P.bool.opt(),
      device: deviceParam,
      dtype: dtypeParam,
    }),
  ]),
);
const batchNormSignature = (name: string) => batchNormSignatures.get(name)!;

const layerNormArgs = signature('nn.LayerNorm', {
  normalized_shape: P.intOrTuple.req(),
  eps: P.num.opt(),
  elementwise_affine: P.bool.opt(),
  bias: P.unsupported('a LayerNorm without bias is not implemented', true).opt(),
  device: deviceParam,
  dtype: dtypeParam,
});

abstract class BatchNorm extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly track_running_stats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  readonly num_features: number;

  constructor(name: string, args: readonly unknown[]) {
    super();
    const opts = batchNormSignature(name)(args);
    const num_features = opts.num_features;
    this.num_features = num_features;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.track_running_stats = opts.track_running_stats ?? true;
    this.weight = this.affine ? new Parameter(full([num_features], 1)) : null;
    this.bias = this.affine ? new Parameter(full([num_features], 0)) : null;
    if (this.track_running_stats) {
      this.register_buffer('running_mean', full([num_features], 0));
      this.register_buffer('running_var', full([num_features], 1));
      this.register_buffer('num_batches_tracked', full([], 0));
    } else {
      this.running_mean = null;
      this.running_var = null;
      this.num_batches_tracked = null;
    }
  }

  /** Throws a ShapeError naming the accepted shapes when x's rank or channel count does not fit. */
  protected abstract checkInput(x: Tensor): void;

  protected expectChannels(x: Tensor, expected: string): void {
    if (x.shape[1] !== this.num_features) {
      throw new ShapeError('batch_norm', `input has ${x.shape[1]} channels, num_features is ${this.num_features}`, expected, shapeStr(x.shape));
    }
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.track_running_stats && this.num_batches_tracked) {
      this.num_batches_tracked.data[0] += 1;
      if (this.momentum === null) factor = 1 / this.num_batches_tracked.data[0];
    }
    const stats = !this.training || this.track_running_stats;
    return batch_norm(
      x,
      stats ? this.running_mean : null,
      stats ? this.running_var : null,
      this.weight,
      this.bias,
      this.training || !this.running_mean,
      factor,
      this.eps,
    );
  }

  override extra_repr(): string {
    let s = `${this.num_features}`;
    if (this.eps !== 1e-5) s += `, eps=${pyFloat(this.eps)}`;
    if (this.momentum !== 0.1) s += `, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}`;
    if (!this.affine) s += ', affine=False';
    if (!this.track_running_stats) s += ', track_running_stats=False';
    return s;
  }
}

/** Batch normalisation over [N, C] or [N, C, L] (statistics per channel C). */
export class BatchNorm1d extends BatchNorm {
  constructor(num_features: number, opts?: BatchNormOptions);
  constructor(
    num_features: number,
    eps?: number,
    momentum?: number | null,
    affine?: boolean,
    track_running_stats?: boolean,
    opts?: BatchNormOptions,
  );
  constructor(...args: unknown[]) {
    super('nn.BatchNorm1d', args);
  }
  protected checkInput(x: Tensor): void {
    const expected = `[N, ${this.num_features}] or [N, ${this.num_features}, L]`;
    if (x.shape.length !== 2 && x.shape.length !== 3) {
      throw new ShapeError('batch_norm', `expected 2D or 3D input (got ${x.shape.length}D input)`, expected, shapeStr(x.shape));
    }
    this.expectChannels(x, expected);
  }
}

/** Batch normalisation over [N, C, H, W] (statistics per channel C). */
export class BatchNorm2d extends BatchNorm {
  constructor(num_features: number, opts?: BatchNormOptions);
  constructor(
    num_features: number,
    eps?: number,
    momentum?: number | null,
    affine?: boolean,
    track_running_stats?: boolean,
    opts?: BatchNormOptions,
  );
  constructor(...args: unknown[]) {
    super('nn.BatchNorm2d', args);
  }
  protected checkInput(x: Tensor): void {
    const expected = `[N, ${this.num_features}, H, W]`;
    if (x.shape.length !== 4) throw new ShapeError('batch_norm', `expected 4D input (got ${x.shape.length}D input)`, expected, shapeStr(x.shape));
    this.expectChannels(x, expected);
  }
}

/** Layer normalisation over the trailing normalized_shape dims; weight 1 and bias 0 of that shape. */
export class LayerNorm extends Module {
  readonly normalized_shape: number[];
  readonly eps: number;
  readonly elementwise_affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalized_shape: number | readonly number[], opts?: LayerNormOptions);
  constructor(normalized_shape: number | readonly number[], eps?: number, elementwise_affine?: boolean, bias?: true, opts?: LayerNormOptions);
  constructor(...args: unknown[]) {
    super();
    const opts = layerNormArgs(args);
    const normalized_shape = opts.normalized_shape;
    this.normalized_shape = typeof normalized_shape === 'number' ? [normalized_shape] : Array.from(normalized_shape);
    this.eps = opts.eps ?? 1e-5;
    this.elementwise_affine = opts.elementwise_affine ?? true;
    this.weight = this.elementwise_affine ? new Parameter(full(this.normalized_shape, 1)) : null;
    this.bias = this.elementwise_affine ? new Parameter(full(this.normalized_shape, 0)) : null;
  }

  forward(x: Tensor): Tensor {
    return layer_norm(x, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    const shape = this.normalized_shape.length === 1 ? `(${this.normalized_shape[0]},)` : `(${this.normalized_shape.join(', ')})`;
    return `${shape}, eps=${pyFloat(this.eps)}${this.elementwise_affine ? '' : ', elementwise_affine=False'}`;
  }
}
