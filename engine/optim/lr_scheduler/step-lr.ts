// StepLR and MultiStepLR: multiply the lr by gamma every step_size epochs, or at each listed milestone.
import { LRScheduler, type SchedulableOptimizer } from './scheduler';
import { stepLRArgs, multiStepLRArgs } from './signatures';

export interface StepLROptions {
  gamma?: number;
  last_epoch?: number;
}

export class StepLR extends LRScheduler {
  step_size: number;
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, step_size: number, options?: StepLROptions);
  /** PyTorch's keywords: StepLR(optimizer, step_size=1, gamma=0.7). */
  constructor(optimizer: SchedulableOptimizer, options: StepLROptions & { step_size: number });
  constructor(optimizer: SchedulableOptimizer, step_size: number, gamma?: number, last_epoch?: number, options?: StepLROptions);
  constructor(...args: unknown[]) {
    const a = stepLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const step_size = a.step_size;
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.step_size = step_size;
    this.gamma = options.gamma ?? 0.1;
    this._initial_step();
  }

  get_lr(): number[] {
    const groups = this.groups();
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((lr) => lr * this.gamma ** Math.floor(this.last_epoch / this.step_size));
  }
}

export class MultiStepLR extends LRScheduler {
  /** Sorted; a milestone listed twice multiplies by gamma twice (PyTorch counts them). */
  milestones: number[];
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, milestones: readonly number[], options?: StepLROptions);
  constructor(optimizer: SchedulableOptimizer, options: StepLROptions & { milestones: readonly number[] });
  constructor(optimizer: SchedulableOptimizer, milestones: readonly number[], gamma?: number, last_epoch?: number, options?: StepLROptions);
  constructor(...args: unknown[]) {
    const a = multiStepLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const milestones = a.milestones;
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this._initial_step();
  }

  get_lr(): number[] {
    const hits = this.milestones.filter((m) => m === this.last_epoch).length;
    const groups = this.groups();
    if (hits === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** hits);
  }

  protected override _get_closed_form_lr(): number[] {
    // bisect_right: milestones at or before last_epoch.
    const passed = this.milestones.filter((m) => m <= this.last_epoch).length;
    return this.base_lrs.map((lr) => lr * this.gamma ** passed);
  }
}
