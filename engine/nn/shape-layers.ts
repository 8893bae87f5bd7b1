// Layers that only move data around: Flatten, Unflatten, Dropout.
import { makeOp } from '../autograd';
import { defaultGenerator } from '../random';
import { flatten, reshape } from '../ops/shape';
import type { Tensor } from '../tensor';
import { Module } from './module';

export class Flatten extends Module {
  constructor(
    readonly start_dim = 1,
    readonly end_dim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.start_dim, this.end_dim);
  }
}

export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly unflattened_size: number[],
  ) {
    super();
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
  constructor(readonly p = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extra_repr(): string {
    return `p=${this.p}`;
  }
}
