// CosineAnnealingWarmRestarts (SGDR): cosine from initial_lr to eta_min over T_i epochs, then restart, with
// T_i multiplied by T_mult at every restart. step(epoch) accepts fractional epochs (stepping per batch).
import { ValueError } from '../errors';
import { LRScheduler, type SchedulableOptimizer } from './scheduler';
import { warmRestartsArgs } from './signatures';

export interface CosineAnnealingWarmRestartsOptions {
  T_mult?: number;
  eta_min?: number;
  last_epoch?: number;
}

export class CosineAnnealingWarmRestarts extends LRScheduler {
  T_0: number;
  T_i: number;
  T_mult: number;
  eta_min: number;
  T_cur: number;

  constructor(optimizer: SchedulableOptimizer, T_0: number, options?: CosineAnnealingWarmRestartsOptions);
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingWarmRestartsOptions & { T_0: number });
  constructor(optimizer: SchedulableOptimizer, T_0: number, T_mult?: number, eta_min?: number, last_epoch?: number, options?: CosineAnnealingWarmRestartsOptions);
  constructor(...args: unknown[]) {
    const a = warmRestartsArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const T_0 = a.T_0;
    const options = a;
    const T_mult = options.T_mult ?? 1;
    if (!Number.isInteger(T_0) || T_0 <= 0) throw new ValueError(`Expected positive integer T_0, but got ${T_0}`);
    if (!Number.isInteger(T_mult) || T_mult < 1) throw new ValueError(`Expected integer T_mult >= 1, but got ${T_mult}`);
    const last_epoch = options.last_epoch ?? -1;
    super(optimizer, last_epoch);
    this.T_0 = T_0;
    this.T_i = T_0;
    this.T_mult = T_mult;
    this.eta_min = options.eta_min ?? 0;
    this.T_cur = last_epoch;
    this._initial_step();
  }

  get_lr(): number[] {
    return this.base_lrs.map((base) => this.eta_min + ((base - this.eta_min) * (1 + Math.cos((Math.PI * this.T_cur) / this.T_i))) / 2);
  }

  override step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.last_epoch < 0) e = 0;
    if (e === undefined) {
      e = this.last_epoch + 1;
      this.T_cur += 1;
      if (this.T_cur >= this.T_i) {
        this.T_cur -= this.T_i;
        this.T_i *= this.T_mult;
      }
    } else {
      if (e < 0) throw new ValueError(`Expected non-negative epoch, but got ${e}`);
      if (e >= this.T_0) {
        if (this.T_mult === 1) {
          this.T_cur = e % this.T_0;
        } else {
          const n = Math.trunc(Math.log((e / this.T_0) * (this.T_mult - 1) + 1) / Math.log(this.T_mult));
          this.T_cur = e - (this.T_0 * (this.T_mult ** n - 1)) / (this.T_mult - 1);
          this.T_i = this.T_0 * this.T_mult ** n;
        }
      } else {
        this.T_i = this.T_0;
        this.T_cur = e;
      }
    }
    this.last_epoch = Math.floor(e);
    const lrs = this.get_lr();
    const groups = this.groups();
    groups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this._last_lr = groups.map((g) => g.lr);
  }
}
