// LinearLR (ramp the lr factor linearly from start_factor to end_factor over total_iters epochs, e.g. warm-up)
// and ConstantLR (hold it at factor for total_iters epochs), with PyTorch's recursive updates.
import { ValueError } from '../errors';
import { LRScheduler, type SchedulableOptimizer } from './scheduler';
import { linearLRArgs, constantLRArgs } from './signatures';

export interface LinearLROptions {
  start_factor?: number;
  end_factor?: number;
  total_iters?: number;
  last_epoch?: number;
}

export class LinearLR extends LRScheduler {
  start_factor: number;
  end_factor: number;
  total_iters: number;

  constructor(optimizer: SchedulableOptimizer, options?: LinearLROptions);
  constructor(optimizer: SchedulableOptimizer, start_factor?: number, end_factor?: number, total_iters?: number, last_epoch?: number, options?: LinearLROptions);
  constructor(...args: unknown[]) {
    const a = linearLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const options = a;
    const start_factor = options.start_factor ?? 1 / 3;
    const end_factor = options.end_factor ?? 1;
    if (start_factor > 1 || !(start_factor > 0)) {
      throw new ValueError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    }
    if (end_factor > 1 || !(end_factor >= 0)) throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options.last_epoch ?? -1);
    this.start_factor = start_factor;
    this.end_factor = end_factor;
    this.total_iters = options.total_iters ?? 5;
    this._initial_step();
  }

  get_lr(): number[] {
    const { start_factor: s, end_factor: e, total_iters: n, last_epoch: t } = this;
    const groups = this.groups();
    if (t === 0) return groups.map((g) => g.lr * s);
    if (t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override _get_closed_form_lr(): number[] {
    const { start_factor: s, end_factor: e, total_iters: n, last_epoch: t } = this;
    return this.base_lrs.map((base) => base * (s + ((e - s) * Math.min(n, t)) / n));
  }
}

export interface ConstantLROptions {
  factor?: number;
  total_iters?: number;
  last_epoch?: number;
}

export class ConstantLR extends LRScheduler {
  factor: number;
  total_iters: number;

  constructor(optimizer: SchedulableOptimizer, options?: ConstantLROptions);
  constructor(optimizer: SchedulableOptimizer, factor?: number, total_iters?: number, last_epoch?: number, options?: ConstantLROptions);
  constructor(...args: unknown[]) {
    const a = constantLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const options = a;
    const factor = options.factor ?? 1 / 3;
    if (factor > 1 || !(factor >= 0)) throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options.last_epoch ?? -1);
    this.factor = factor;
    this.total_iters = options.total_iters ?? 5;
    this._initial_step();
  }

  get_lr(): number[] {
    const groups = this.groups();
    if (this.last_epoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.last_epoch !== this.total_iters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 / this.factor));
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base) => base * (this.factor + (this.last_epoch >= this.total_iters ? 1 - this.factor : 0)));
  }
}
