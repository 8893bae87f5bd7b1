// CosineAnnealingLR with PyTorch's recursive update: each lr is derived from the previous one, so the values
// (including past T_max, where the schedule climbs back up) equal torch's get_last_lr() rather than the closed
// form, which differs from it once anything else has touched the lr.
import { LRScheduler, pyMod, type SchedulableOptimizer } from './scheduler';
import { cosineAnnealingLRArgs } from './signatures';

export interface CosineAnnealingLROptions {
  eta_min?: number;
  last_epoch?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  T_max: number;
  eta_min: number;

  constructor(optimizer: SchedulableOptimizer, T_max: number, options?: CosineAnnealingLROptions);
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions & { T_max: number });
  constructor(optimizer: SchedulableOptimizer, T_max: number, eta_min?: number, last_epoch?: number, options?: CosineAnnealingLROptions);
  constructor(...args: unknown[]) {
    const a = cosineAnnealingLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const T_max = a.T_max;
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.T_max = T_max;
    this.eta_min = options.eta_min ?? 0;
    this._initial_step();
  }

  get_lr(): number[] {
    const { T_max, eta_min, last_epoch } = this;
    const groups = this.groups();
    if (last_epoch === 0) return groups.map((g) => g.lr);
    if (this._step_count === 1 && last_epoch > 0) {
      return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((last_epoch * Math.PI) / T_max))) / 2);
    }
    if (pyMod(last_epoch - 1 - T_max, 2 * T_max) === 0) {
      return groups.map((g, i) => g.lr + ((this.base_lrs[i] - eta_min) * (1 - Math.cos(Math.PI / T_max))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * last_epoch) / T_max)) / (1 + Math.cos((Math.PI * (last_epoch - 1)) / T_max))) * (g.lr - eta_min) +
        eta_min,
    );
  }

  protected override _get_closed_form_lr(): number[] {
    const { T_max, eta_min, last_epoch } = this;
    return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((Math.PI * last_epoch) / T_max))) / 2);
  }
}
