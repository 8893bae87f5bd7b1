// CyclicLR (1.13): the lr runs up from base_lr to max_lr over step_size_up steps and back over step_size_down,
// the amplitude scaled per cycle (triangular, triangular2: halved each cycle) or per step (exp_range: gamma^t);
// with cycle_momentum the momentum moves the opposite way. Meant to be stepped every batch.
import { ValueError } from '../errors';
import { LRScheduler, perGroup, type SchedulableOptimizer, type SchedulerGroup } from './scheduler';
import { cyclicLRArgs } from './signatures';

export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';

export interface CyclicLROptions {
  step_size_up?: number;
  step_size_down?: number;
  mode?: CyclicMode;
  gamma?: number;
  /** A custom amplitude scale (replaces mode), applied per cycle or per iteration (scale_mode). */
  scale_fn?: (x: number) => number;
  scale_mode?: 'cycle' | 'iterations';
  cycle_momentum?: boolean;
  base_momentum?: number | readonly number[];
  max_momentum?: number | readonly number[];
  last_epoch?: number;
}

export class CyclicLR extends LRScheduler {
  max_lrs: number[];
  total_size: number;
  step_ratio: number;
  mode: CyclicMode;
  gamma: number;
  scale_mode: 'cycle' | 'iterations';
  cycle_momentum: boolean;
  base_momentums: number[];
  max_momentums: number[];
  private readonly custom_scale: ((x: number) => number) | null;

  constructor(optimizer: SchedulableOptimizer, base_lr: number | readonly number[], max_lr: number | readonly number[], options?: CyclicLROptions);
  constructor(optimizer: SchedulableOptimizer, options: CyclicLROptions & { base_lr: number | readonly number[]; max_lr: number | readonly number[] });
  constructor(optimizer: SchedulableOptimizer, base_lr: number | readonly number[], max_lr: number | readonly number[], step_size_up?: number, step_size_down?: number | null, mode?: CyclicMode, gamma?: number, scale_fn?: ((x: number) => number) | null, scale_mode?: 'cycle' | 'iterations', cycle_momentum?: boolean, base_momentum?: number | readonly number[], max_momentum?: number | readonly number[], last_epoch?: number, options?: CyclicLROptions);
  constructor(...args: unknown[]) {
    const a = cyclicLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const { base_lr, max_lr } = a;
    const options = a as CyclicLROptions;
    const last_epoch = options.last_epoch ?? -1;
    const groups = optimizer.param_groups as SchedulerGroup[];
    const baseLrs = perGroup(optimizer, 'base_lr', base_lr);
    if (last_epoch === -1) groups.forEach((g, i) => (g.lr = baseLrs[i]));
    const maxLrs = perGroup(optimizer, 'max_lr', max_lr);
    const up = options.step_size_up ?? 2000;
    const down = options.step_size_down ?? up;
    const mode = options.mode ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && !options.scale_fn) throw new ValueError('mode is invalid and scale_fn is None');
    const cycle = options.cycle_momentum ?? true;
    let baseM: number[] = [];
    let maxM: number[] = [];
    if (cycle) {
      const defaults = (optimizer as { defaults?: Record<string, unknown> }).defaults ?? groups[0] ?? {};
      if (!('momentum' in defaults)) throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const bm = perGroup(optimizer, 'base_momentum', options.base_momentum ?? 0.8);
      if (last_epoch === -1) groups.forEach((g, i) => (g.momentum = bm[i]));
      baseM = groups.map((g) => g.momentum as number);
      maxM = perGroup(optimizer, 'max_momentum', options.max_momentum ?? 0.9);
    }
    super(optimizer, last_epoch);
    this.base_lrs = baseLrs;
    this.max_lrs = maxLrs;
    this.total_size = up + down;
    this.step_ratio = up / this.total_size;
    this.mode = mode;
    this.gamma = options.gamma ?? 1;
    this.custom_scale = options.scale_fn ?? null;
    this.scale_mode = options.scale_fn ? (options.scale_mode ?? 'cycle') : mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycle_momentum = cycle;
    this.base_momentums = baseM;
    this.max_momentums = maxM;
    this._initial_step();
  }

  private scale(x: number): number {
    if (this.custom_scale) return this.custom_scale(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  get_lr(): number[] {
    const t = this.last_epoch;
    const cycle = Math.floor(1 + t / this.total_size);
    const x = 1 + t / this.total_size - cycle;
    const factor = x <= this.step_ratio ? x / this.step_ratio : (x - 1) / (this.step_ratio - 1);
    const s = this.scale(this.scale_mode === 'cycle' ? cycle : t);
    const lrs = this.base_lrs.map((base, i) => base + (this.max_lrs[i] - base) * factor * s);
    if (this.cycle_momentum) {
      this.groups().forEach((g, i) => {
        g.momentum = this.max_momentums[i] - (this.max_momentums[i] - this.base_momentums[i]) * factor * s;
      });
    }
    return lrs;
  }
}
