// Layers that only move data around: Flatten, Unflatten, Dropout, Dropout2d.
import { makeOp } from '../autograd';
import { defaultGenerator } from '../random';
import { flatten, reshape } from '../ops/shape';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { P, signature } from '../signature';

const flattenArgs = signature('nn.Flatten', { start_dim: P.int.opt(), end_dim: P.int.opt() });
const unflattenArgs = signature('nn.Unflatten', { dim: P.int.req(), unflattened_size: P.intList.req() });
const dropoutArgs = signature('nn.Dropout', { p: P.num.opt(), inplace: P.bool.opt() });
const dropout2dArgs = signature('nn.Dropout2d', { p: P.num.opt(), inplace: P.bool.opt() });

export class Flatten extends Module {
  readonly start_dim: number;
  readonly end_dim: number;
  constructor(start_dim?: number, end_dim?: number);
  constructor(opts: { start_dim?: number; end_dim?: number });
  constructor(...args: unknown[]) {
    super();
    const a = flattenArgs(args);
    this.start_dim = a.start_dim ?? 1;
    this.end_dim = a.end_dim ?? -1;
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.start_dim, this.end_dim);
  }
}

export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattened_size: readonly number[];
  constructor(dim: number, unflattened_size: readonly number[]);
  constructor(...args: unknown[]) {
    super();
    const a = unflattenArgs(args);
    this.dim = a.dim;
    this.unflattened_size = a.unflattened_size;
  }
  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.shape.length : this.dim;
    return reshape(x, [...x.shape.slice(0, d), ...this.unflattened_size, ...x.shape.slice(d + 1)], 'unflatten');
  }
}

/** Inverted dropout: zeroes with probability p in training and scales survivors by 1/(1-p). */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!training || p === 0) return x;
  if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  const n = x.data.length;
  const mask = new Float32Array(n);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[i] = defaultGenerator.next() >= p ? scale : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x.data[i] * mask[i];
  return makeOp('dropout', [x], out, x.shape.slice(), (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = g[i] * mask[i];
    return [gx];
  });
}

export class Dropout extends Module {
  readonly p: number;
  constructor(p?: number, inplace?: boolean);
  constructor(opts: { p?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const p = dropoutArgs(args).p ?? 0.5;
    if (p < 0 || p > 1) throw new Error(`Dropout: dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extra_repr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Channel dropout: zeroes whole channels of [N, C, ...] (or unbatched [C, H, W]) with probability p in training and
 * scales the kept ones by 1/(1-p), as torch.nn.functional.dropout2d.
 */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new Error(`dropout2d: dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new Error(`dropout2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got [${x.shape.join(', ')}]`);
  }
  const planeSize = x.shape.slice(-2).reduce((a, b) => a * b, 1);
  const planes = x.data.length / planeSize;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const keep = new Float32Array(planes);
  for (let i = 0; i < planes; i++) keep[i] = defaultGenerator.next() >= p ? scale : 0;
  const n = x.data.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x.data[i] * keep[(i / planeSize) | 0];
  return makeOp('dropout2d', [x], out, x.shape.slice(), (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = g[i] * keep[(i / planeSize) | 0];
    return [gx];
  });
}

export class Dropout2d extends Module {
  readonly p: number;
  constructor(p?: number, inplace?: boolean);
  constructor(opts: { p?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const p = dropout2dArgs(args).p ?? 0.5;
    if (p < 0 || p > 1) throw new Error(`Dropout2d: dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
  override extra_repr(): string {
    return `p=${this.p}`;
  }
}
