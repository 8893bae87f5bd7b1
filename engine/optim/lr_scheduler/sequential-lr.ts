// SequentialLR (one scheduler after another, switching at milestones: warm-up then decay) and ChainedScheduler
// (several schedulers stepped together, their factors multiplying), as in PyTorch 1.13.
import type { SchedulerLike } from '../../definition';
import { ValueError } from '../errors';
import type { LRScheduler, SchedulableOptimizer, SchedulerStateDict } from './scheduler';
import { sequentialLRArgs, chainedSchedulerArgs } from './signatures';

export class SequentialLR implements SchedulerLike {
  readonly optimizer: SchedulableOptimizer;
  last_epoch: number;
  private readonly _schedulers: LRScheduler[];
  private readonly _milestones: number[];
  private _last_lr: number[];

  constructor(optimizer: SchedulableOptimizer, schedulers: LRScheduler[], milestones: readonly number[], options?: { last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, schedulers: LRScheduler[], milestones: readonly number[], last_epoch?: number, options?: { last_epoch?: number });
  constructor(...args: unknown[]) {
    const a = sequentialLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const schedulers = a.schedulers as LRScheduler[];
    const milestones = a.milestones;
    const options = a;
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, ' +
          `but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this.optimizer = optimizer;
    this._schedulers = schedulers;
    this._milestones = milestones.slice();
    this.last_epoch = (options.last_epoch ?? -1) + 1;
    // Each scheduler stepped once when it was built: undo that and restart only the first one.
    for (const g of optimizer.param_groups as Array<{ lr: number; initial_lr?: number }>) g.lr = g.initial_lr ?? g.lr;
    for (const s of schedulers) s.last_epoch -= 1;
    schedulers[0]._initial_step();
    this._last_lr = schedulers[0].get_last_lr();
  }

  step(): void {
    this.last_epoch += 1;
    const idx = this._milestones.filter((m) => m <= this.last_epoch).length;
    const s = this._schedulers[idx];
    // A scheduler taking over starts from its epoch 0 (closed form), not from where the previous one left the lr.
    if (idx > 0 && this._milestones[idx - 1] === this.last_epoch) s.step(0);
    else s.step();
    this._last_lr = s.get_last_lr();
  }

  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  state_dict(): SchedulerStateDict {
    return {
      last_epoch: this.last_epoch,
      _milestones: this._milestones.slice(),
      _last_lr: this._last_lr.slice(),
      _schedulers: this._schedulers.map((s) => s.state_dict()),
    };
  }

  load_state_dict(sd: SchedulerStateDict): void {
    this.last_epoch = sd.last_epoch as number;
    this._last_lr = (sd._last_lr as number[]).slice();
    (sd._schedulers as SchedulerStateDict[]).forEach((s, i) => this._schedulers[i].load_state_dict(s));
  }
}

export class ChainedScheduler implements SchedulerLike {
  readonly optimizer: SchedulableOptimizer;
  private readonly _schedulers: LRScheduler[];
  private _last_lr: number[];

  constructor(schedulers: LRScheduler[], optimizer?: SchedulableOptimizer | null);
  constructor(...args: unknown[]) {
    const a = chainedSchedulerArgs(args);
    const schedulers = a.schedulers as LRScheduler[];
    if (schedulers.length === 0) throw new ValueError('ChainedScheduler needs at least one scheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new ValueError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    });
    this._schedulers = schedulers.slice();
    this.optimizer = schedulers[0].optimizer;
    this._last_lr = this.optimizer.param_groups.map((g) => g.lr);
  }

  step(): void {
    for (const s of this._schedulers) s.step();
    this._last_lr = this.optimizer.param_groups.map((g) => g.lr);
  }

  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  state_dict(): SchedulerStateDict {
    return { _last_lr: this._last_lr.slice(), _schedulers: this._schedulers.map((s) => s.state_dict()) };
  }

  load_state_dict(sd: SchedulerStateDict): void {
    this._last_lr = (sd._last_lr as number[]).slice();
    (sd._schedulers as SchedulerStateDict[]).forEach((s, i) => this._schedulers[i].load_state_dict(s));
  }
}
