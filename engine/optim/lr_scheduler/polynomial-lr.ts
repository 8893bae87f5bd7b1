// PolynomialLR: lr0 * (1 - t / total_iters)^power, reaching 0 at total_iters, through PyTorch's recursive update.
import { LRScheduler, type SchedulableOptimizer } from './scheduler';
import { polynomialLRArgs } from './signatures';

export interface PolynomialLROptions {
  total_iters?: number;
  power?: number;
  last_epoch?: number;
}

export class PolynomialLR extends LRScheduler {
  total_iters: number;
  power: number;

  constructor(optimizer: SchedulableOptimizer, options?: PolynomialLROptions);
  constructor(optimizer: SchedulableOptimizer, total_iters?: number, power?: number, last_epoch?: number, options?: PolynomialLROptions);
  constructor(...args: unknown[]) {
    const a = polynomialLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.total_iters = options.total_iters ?? 5;
    this.power = options.power ?? 1;
    this._initial_step();
  }

  get_lr(): number[] {
    const { total_iters: n, last_epoch: t, power } = this;
    const groups = this.groups();
    if (t === 0 || t > n) return groups.map((g) => g.lr);
    const decay = ((1 - t / n) / (1 - (t - 1) / n)) ** power;
    return groups.map((g) => g.lr * decay);
  }

  protected override _get_closed_form_lr(): number[] {
    const { total_iters: n, last_epoch: t, power } = this;
    return this.base_lrs.map((base) => base * (1 - Math.min(n, t) / n) ** power);
  }
}
