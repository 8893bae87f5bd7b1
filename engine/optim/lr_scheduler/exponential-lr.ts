// ExponentialLR: multiply the lr by gamma every epoch.
import { LRScheduler, type SchedulableOptimizer } from './scheduler';
import { exponentialLRArgs } from './signatures';

export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, gamma: number, options?: { last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, options: { gamma: number; last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, gamma: number, last_epoch?: number, options?: { last_epoch?: number });
  constructor(...args: unknown[]) {
    const a = exponentialLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const gamma = a.gamma;
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.gamma = gamma;
    this._initial_step();
  }

  get_lr(): number[] {
    const groups = this.groups();
    if (this.last_epoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((lr) => lr * this.gamma ** this.last_epoch);
  }
}
