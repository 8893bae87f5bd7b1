// The points where Gradlens instruments a training script it does not own: a call of loss.backward(), a call of
// optimizer.step(), and a DataLoader handing out a batch or running out of them (module calls have their own
// observer in nn/module.ts). The engine calls them; the run session of the engine child (engine/train/session.ts)
// installs the handlers, and with none installed (the engine used as a library, in tests) they cost one null check.
// Kept free of imports of the engine's classes so autograd, optim and data can all call it without cycles.

/** What the hooks see of a tensor, an optimizer and a loader: only what the session needs from each. */
export interface HookTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export interface HookOptimizer {
  param_groups: Array<{ lr: number; params: readonly object[] }>;
}

export interface TrainingHooks {
  /** An optimizer was constructed (its parameters tell which modules are being trained). */
  optimizerCreated?(optimizer: HookOptimizer): void;
  /** An LR scheduler was constructed (time travel keeps its state in snapshots). */
  schedulerCreated?(scheduler: object): void;
  /** loss.backward() was called on `root` (before any gradient is computed). */
  beforeBackward?(root: HookTensor): void;
  /** optimizer.step() was called: gradients are final, the weights not yet changed. */
  beforeOptimizerStep?(optimizer: HookOptimizer): void;
  /** optimizer.step() returned: the weights changed. */
  afterOptimizerStep?(optimizer: HookOptimizer): void;
  /** A DataLoader is about to hand out batch `index` of its epoch `epoch`. */
  batch?(loader: object, batch: readonly [HookTensor, HookTensor], index: number, epoch: number): void;
  /** A DataLoader handed out the last batch of its epoch and the `for ... of` over it asked for more. */
  loaderExhausted?(loader: object, epoch: number): void;
}

let installed: TrainingHooks | null = null;

export function setTrainingHooks(hooks: TrainingHooks | null): void {
  installed = hooks;
}

/** The installed handlers (null when the engine is not instrumented). */
export function trainingHooks(): TrainingHooks | null {
  return installed;
}
