// torch.optim.lr_scheduler._LRScheduler (1.13): remembers each group's initial_lr as base_lrs, counts epochs
// (calls to step) in last_epoch, and on every step writes get_lr()'s values into the groups. Most schedulers
// compute the next lr from the current one (a recursive form), as PyTorch does, so values match torch's
// get_last_lr() and a user who edits param_groups[i].lr mid-run sees the same effect as in PyTorch.
import type { SchedulerLike } from '../../definition';
import type { Parameter } from '../../nn/parameter';
import { trainingHooks } from '../../hooks';
import { ValueError } from '../errors';

/** What a scheduler needs of an optimizer: its groups (every optim.* class, and the trainer's OptimizerLike). */
export interface SchedulableOptimizer {
  param_groups: Array<{ lr: number; params: Parameter[] }>;
}

/** A group seen by a scheduler: lr plus the keys schedulers add (initial_lr, max_lr, momentum, betas, ...). */
export type SchedulerGroup = { lr: number; params: Parameter[] } & Record<string, unknown>;

export type SchedulerStateDict = Record<string, unknown>;

export abstract class LRScheduler implements SchedulerLike {
  readonly optimizer: SchedulableOptimizer;
  base_lrs: number[];
  last_epoch: number;
  _step_count = 0;
  protected _last_lr: number[] = [];

  /**
   * Subclasses set their own fields and then call _initial_step() at the end of their constructor (PyTorch sets
   * them before calling the base constructor, which TypeScript does not allow).
   */
  protected constructor(optimizer: SchedulableOptimizer, last_epoch = -1) {
    if (!optimizer || !Array.isArray(optimizer.param_groups)) throw new TypeError(`${String(optimizer)} is not an Optimizer`);
    this.optimizer = optimizer;
    const groups = this.groups();
    if (last_epoch === -1) {
      for (const g of groups) if (g.initial_lr === undefined) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initial_lr === undefined) {
          throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
    trainingHooks()?.schedulerCreated?.(this);
  }

  /** Resets the step count and performs step 0 (SequentialLR calls it to restart its first scheduler). */
  _initial_step(): void {
    this._step_count = 0;
    this.step();
  }

  /** The lrs for the current last_epoch (called once per step, after last_epoch is advanced). */
  abstract get_lr(): number[];

  /** The lrs as a function of last_epoch alone, used when step(epoch) jumps to an epoch. */
  protected _get_closed_form_lr?(): number[];

  protected groups(): SchedulerGroup[] {
    return this.optimizer.param_groups as SchedulerGroup[];
  }

  /** Advances one epoch (or, deprecated as in PyTorch, jumps to `epoch`) and writes the new lrs into the groups. */
  step(epoch?: number): void {
    this._step_count += 1;
    let values: number[];
    if (epoch === undefined) {
      this.last_epoch += 1;
      values = this.get_lr();
    } else {
      this.last_epoch = epoch;
      values = this._get_closed_form_lr ? this._get_closed_form_lr() : this.get_lr();
    }
    const groups = this.groups();
    groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this._last_lr = groups.map((g) => g.lr);
  }

  /** The lrs the last step() set, one per group. */
  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  /** Every field except the optimizer and functions (LambdaLR's lambdas), copied; JSON-serialisable. */
  state_dict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || isCode(v)) continue;
      out[k] = structuredClone(v);
    }
    return out;
  }

  load_state_dict(sd: SchedulerStateDict): void {
    for (const [k, v] of Object.entries(sd)) {
      if (k === 'optimizer') continue;
      (this as unknown as Record<string, unknown>)[k] = structuredClone(v);
    }
  }
}

function isCode(v: unknown): boolean {
  return typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function'));
}

/** The value per group: one number for all groups, or a list that must have one entry per group. */
export function perGroup(optimizer: SchedulableOptimizer, name: string, value: number | readonly number[]): number[] {
  const n = optimizer.param_groups.length;
  if (typeof value === 'number') return new Array<number>(n).fill(value);
  if (value.length !== n) throw new ValueError(`expected ${n} values for ${name}, got ${value.length}`);
  return value.slice();
}

/** Python's % (the result takes the divisor's sign), which the cosine schedule's restart test relies on. */
export function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
