// ReduceLROnPlateau: multiply the lr by factor once the metric has not improved for more than `patience`
// steps, then wait `cooldown` steps. Unlike the other schedulers it needs the metric: step(val_loss) (defineTraining
// passes the epoch's validation loss).
import { ValueError } from '../errors';
import type { SchedulableOptimizer } from './scheduler';
import { reduceLROnPlateauArgs } from './signatures';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  threshold_mode?: 'rel' | 'abs';
  cooldown?: number;
  min_lr?: number | readonly number[];
  eps?: number;
}

export class ReduceLROnPlateau {
  readonly optimizer: SchedulableOptimizer;
  factor: number;
  min_lrs: number[];
  patience: number;
  cooldown: number;
  cooldown_counter = 0;
  mode: 'min' | 'max';
  threshold: number;
  threshold_mode: 'rel' | 'abs';
  best: number;
  num_bad_epochs = 0;
  mode_worse: number;
  eps: number;
  last_epoch = 0;
  private _last_lr: number[];

  constructor(optimizer: SchedulableOptimizer, options?: ReduceLROnPlateauOptions);
  constructor(optimizer: SchedulableOptimizer, mode?: 'min' | 'max', factor?: number, patience?: number, threshold?: number, threshold_mode?: 'rel' | 'abs', cooldown?: number, min_lr?: number | readonly number[], eps?: number, options?: ReduceLROnPlateauOptions);
  constructor(...args: unknown[]) {
    const a = reduceLROnPlateauArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const options = a as ReduceLROnPlateauOptions;
    const factor = options.factor ?? 0.1;
    if (factor >= 1) throw new ValueError('Factor should be < 1.0.');
    this.factor = factor;
    this.optimizer = optimizer;
    const n = optimizer.param_groups.length;
    const min_lr = options.min_lr ?? 0;
    if (typeof min_lr !== 'number') {
      if (min_lr.length !== n) throw new ValueError(`expected ${n} min_lrs, got ${min_lr.length}`);
      this.min_lrs = min_lr.slice();
    } else {
      this.min_lrs = new Array<number>(n).fill(min_lr);
    }
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.threshold_mode = options.threshold_mode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(`mode ${String(this.mode)} is unknown!`);
    if (this.threshold_mode !== 'rel' && this.threshold_mode !== 'abs') {
      throw new ValueError(`threshold mode ${String(this.threshold_mode)} is unknown!`);
    }
    this.mode_worse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.mode_worse;
    this._last_lr = optimizer.param_groups.map((g) => g.lr);
  }

  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  is_better(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.threshold_mode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.threshold_mode === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  // `metrics` is optional in the type only so that this is a SchedulerLike (defineTraining passes the validation
  // loss); without it the call is PyTorch's TypeError, not "Cannot read properties of undefined (reading 'item')".
  step(metrics?: number | { item(): number }, epoch?: number): void {
    if (metrics === undefined || metrics === null) {
      throw new TypeError("ReduceLROnPlateau.step() missing 1 required argument: 'metrics' (the value it judges, e.g. scheduler.step(val_loss))");
    }
    const current = typeof metrics === 'number' ? metrics : metrics.item();
    this.last_epoch = epoch ?? this.last_epoch + 1;
    if (this.is_better(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else {
      this.num_bad_epochs += 1;
    }
    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // bad epochs during the cooldown do not count
    }
    if (this.num_bad_epochs > this.patience) {
      this.optimizer.param_groups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.min_lrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._last_lr = this.optimizer.param_groups.map((g) => g.lr);
  }

  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  /** JSON-serialisable: an infinite `best` (nothing seen yet) is written as null; mode_worse follows from mode. */
  state_dict(): Record<string, unknown> {
    const { optimizer: _o, mode_worse: _w, ...rest } = this;
    return structuredClone({ ...rest, best: Number.isFinite(this.best) ? this.best : null });
  }

  load_state_dict(sd: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(sd)) {
      if (k !== 'optimizer' && k !== 'mode_worse') (this as unknown as Record<string, unknown>)[k] = structuredClone(v);
    }
    this.mode_worse = this.mode === 'min' ? Infinity : -Infinity;
    if (typeof this.best !== 'number') this.best = this.mode_worse;
  }
}
