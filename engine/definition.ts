// defineTraining: what a model file default-exports. It names the model, the data, the loss and the optimizer
// with PyTorch's objects; the trainer (engine/train) runs it. Validation here turns the common mistakes into
// errors that say what to change.
import type { Module } from './nn/module';
import type { Parameter } from './nn/parameter';
import type { Tensor } from './tensor';

/** What the trainer needs of an optimizer (every optim.* class satisfies it). */
export interface OptimizerLike {
  param_groups: Array<{ lr: number; params: Parameter[] }>;
  step(): void;
  zero_grad(): void;
  /**
   * The norm of the update step() last applied to `p`, for the update-to-weight ratio. Optimizers without it get
   * the ratio from a copy of the weights taken before the step.
   */
  lastUpdateNorm?(p: Parameter): number | undefined;
  /** Whether step() records those norms: the trainer turns it on only on the steps that report statistics. */
  trackUpdateNorms?: boolean;
}

/** What the trainer needs of an LR scheduler (every optim.lr_scheduler.* class satisfies it). */
export interface SchedulerLike {
  /** ReduceLROnPlateau takes the metric it judges (the loop passes the epoch's validation loss). */
  step(metric?: number): void;
  get_last_lr(): number[];
}

/** A data source from the `data` namespace (data.mnist(), data.csv(), data.spiral(), ...). */
export interface DataSourceLike {
  kind: string;
  load(ctx?: { baseDir: string }): unknown;
}

/** The loss: a loss module, or a function for models with several outputs (a VAE returns [recon, mu, logvar]). */
export type LossFn = Module<[Tensor, Tensor], Tensor> | ((output: never, target: Tensor, input: Tensor) => Tensor);

export interface StepContext {
  step: number;
  epoch: number;
  loss: number;
  optimizer: OptimizerLike;
}

export interface TrainingDefinition {
  model: Module<never[], unknown>;
  data: DataSourceLike;
  loss: LossFn;
  optimizer: (params: Parameter[]) => OptimizerLike;
  /** Called once with the optimizer; its step() runs after every batch (or every epoch with schedulerStep: 'epoch'). */
  scheduler?: (optimizer: OptimizerLike) => SchedulerLike;
  schedulerStep?: 'batch' | 'epoch';
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Fraction of the training split held out for validation when the data has no test split. */
  valFraction?: number;
  /** Clip the gradient norm before each optimizer step (nn.utils.clip_grad_norm_). */
  clipGradNorm?: number;
  /** Report accuracy for classification (default true when the data is a classification set). */
  accuracy?: boolean;
  /** Called after every optimizer step (e.g. to change the learning rate at a given step). */
  onStep?: (ctx: StepContext) => void;
}

export const TRAINING_DEFAULTS = { epochs: 1, batchSize: 64, seed: 0, valFraction: 0 } as const;

export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/**
 * What a loaded model file offers as its training definition: the default export, or, for a CommonJS file that
 * wrote `module.exports = defineTraining(...)`, the exports object itself (it then has no `default`, and its keys
 * are the definition's own). Undefined when neither is there; defineTraining's checks name what is wrong after.
 */
export function exportedDefinition(exports: Record<string, unknown>): unknown {
  if (exports.default !== undefined) return exports.default;
  const commonJs = exports.__esModule !== true && 'model' in exports && 'optimizer' in exports;
  return commonJs ? exports : undefined;
}

/** Identity with validation: default-export the result from a model file. */
export function defineTraining<D extends TrainingDefinition>(def: D): D {
  if (!def || typeof def !== 'object') throw new DefinitionError('defineTraining expects an object with model, data, loss and optimizer');
  const missing = (['model', 'data', 'loss', 'optimizer'] as const).filter((k) => def[k] === undefined || def[k] === null);
  if (missing.length) throw new DefinitionError(`defineTraining is missing ${missing.join(', ')}`);
  if (typeof def.model !== 'function' || typeof (def.model as { forward?: unknown }).forward !== 'function') {
    throw new DefinitionError('model must be an nn.Module (for example new nn.Sequential(...))');
  }
  if (typeof def.optimizer !== 'function') {
    throw new DefinitionError('optimizer must be a function of the parameters, e.g. (params) => new optim.Adam(params, { lr: 1e-3 })');
  }
  if (typeof def.data?.load !== 'function') throw new DefinitionError('data must come from the data namespace, e.g. data.mnist()');
  for (const k of ['epochs', 'batchSize'] as const) {
    const v = def[k];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new DefinitionError(`${k} must be a positive integer (got ${v})`);
  }
  return def;
}
