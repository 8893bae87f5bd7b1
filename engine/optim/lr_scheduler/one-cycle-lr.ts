// OneCycleLR (1.13): the lr climbs from max_lr/div_factor to max_lr over pct_start of the run, then anneals to
// initial_lr/final_div_factor (three_phase: back down to initial_lr first, then to the minimum). With
// cycle_momentum the momentum (SGD's momentum, Adam's beta1) moves the opposite way between base_momentum and
// max_momentum. The lr and momentum bounds are stored in the groups, as PyTorch does.
import { ValueError } from '../errors';
import { LRScheduler, perGroup, type SchedulableOptimizer, type SchedulerGroup } from './scheduler';
import { oneCycleLRArgs } from './signatures';

export interface OneCycleLROptions {
  max_lr?: number | readonly number[];
  total_steps?: number;
  epochs?: number;
  steps_per_epoch?: number;
  pct_start?: number;
  anneal_strategy?: 'cos' | 'linear';
  cycle_momentum?: boolean;
  base_momentum?: number | readonly number[];
  max_momentum?: number | readonly number[];
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
  last_epoch?: number;
}

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

function positiveInt(v: number | undefined, name: string): number {
  if (v === undefined || !Number.isInteger(v) || v <= 0) throw new ValueError(`Expected positive integer ${name}, but got ${v}`);
  return v;
}

export class OneCycleLR extends LRScheduler {
  total_steps: number;
  anneal_strategy: 'cos' | 'linear';
  cycle_momentum: boolean;
  use_beta1: boolean;
  _schedule_phases: Phase[];

  /** OneCycleLR(opt, max_lr, { total_steps }) as in PyTorch, or OneCycleLR(opt, { max_lr, total_steps }). */
  constructor(optimizer: SchedulableOptimizer, max_lr: number | readonly number[], options?: OneCycleLROptions);
  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions & { max_lr: number | readonly number[] });
  constructor(optimizer: SchedulableOptimizer, max_lr: number | readonly number[], total_steps?: number | null, epochs?: number | null, steps_per_epoch?: number | null, pct_start?: number, anneal_strategy?: 'cos' | 'linear', cycle_momentum?: boolean, base_momentum?: number | readonly number[], max_momentum?: number | readonly number[], div_factor?: number, final_div_factor?: number, three_phase?: boolean, last_epoch?: number, options?: OneCycleLROptions);
  constructor(...args: unknown[]) {
    const a = oneCycleLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const o = a as OneCycleLROptions;
    if (o.max_lr === undefined) throw new ValueError('OneCycleLR needs max_lr');
    let total: number;
    if (o.total_steps === undefined && o.epochs === undefined && o.steps_per_epoch === undefined) {
      throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (o.total_steps !== undefined) {
      total = positiveInt(o.total_steps, 'total_steps');
    } else {
      total = positiveInt(o.epochs, 'epochs') * positiveInt(o.steps_per_epoch, 'steps_per_epoch');
    }
    const pct = o.pct_start ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = o.anneal_strategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    }
    const last_epoch = o.last_epoch ?? -1;
    const groups = optimizer.param_groups as SchedulerGroup[];
    // The bounds go into the groups before the base constructor reads initial_lr from them.
    const maxLrs = perGroup(optimizer, 'max_lr', o.max_lr);
    const div = o.div_factor ?? 25;
    const finalDiv = o.final_div_factor ?? 1e4;
    if (last_epoch === -1) {
      groups.forEach((g, i) => {
        const initial = maxLrs[i] / div;
        g.initial_lr = initial;
        g.max_lr = maxLrs[i];
        g.min_lr = initial / finalDiv;
      });
    }
    const cycle = o.cycle_momentum ?? true;
    let useBeta1 = false;
    if (cycle) {
      const defaults = (optimizer as { defaults?: Record<string, unknown> }).defaults ?? groups[0] ?? {};
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      useBeta1 = 'betas' in defaults;
      const maxM = perGroup(optimizer, 'max_momentum', o.max_momentum ?? 0.95);
      const baseM = perGroup(optimizer, 'base_momentum', o.base_momentum ?? 0.85);
      if (last_epoch === -1) {
        groups.forEach((g, i) => {
          OneCycleLR.setMomentum(g, useBeta1, maxM[i]);
          g.max_momentum = maxM[i];
          g.base_momentum = baseM[i];
        });
      }
    }
    super(optimizer, last_epoch);
    this.total_steps = total;
    this.anneal_strategy = strategy;
    this.cycle_momentum = cycle;
    this.use_beta1 = useBeta1;
    const phase = (end_step: number, start_lr: string, end_lr: string, start_momentum: string, end_momentum: string): Phase => ({
      end_step,
      start_lr,
      end_lr,
      start_momentum,
      end_momentum,
    });
    this._schedule_phases = o.three_phase
      ? [
          phase(pct * total - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(2 * pct * total - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
          phase(total - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
        ]
      : [
          phase(pct * total - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(total - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum'),
        ];
    this._initial_step();
  }

  private static setMomentum(g: SchedulerGroup, useBeta1: boolean, m: number): void {
    if (useBeta1) {
      const betas = g.betas as readonly number[];
      g.betas = [m, ...betas.slice(1)];
    } else {
      g.momentum = m;
    }
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.anneal_strategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  get_lr(): number[] {
    const step = this.last_epoch;
    if (step > this.total_steps) {
      throw new ValueError(`Tried to step ${step + 1} times. The specified number of total steps is ${this.total_steps}`);
    }
    const phases = this._schedule_phases;
    return this.groups().map((g) => {
      const num = (k: string): number => g[k] as number;
      let start = 0;
      let lr = g.lr;
      for (let i = 0; i < phases.length; i++) {
        const ph = phases[i];
        if (step <= ph.end_step || i === phases.length - 1) {
          const pct = (step - start) / (ph.end_step - start);
          lr = this.anneal(num(ph.start_lr), num(ph.end_lr), pct);
          if (this.cycle_momentum) {
            OneCycleLR.setMomentum(g, this.use_beta1, this.anneal(num(ph.start_momentum), num(ph.end_momentum), pct));
          }
          break;
        }
        start = ph.end_step;
      }
      return lr;
    });
  }
}
