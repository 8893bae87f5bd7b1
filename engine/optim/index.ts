// The `optim` namespace: torch.optim's optimizers with their names and defaults, and optim.lr_scheduler.
export { Optimizer } from './optimizer';
export { SGD, type SGDOptions, type SGDHyper, type SGDState } from './sgd';
export { Adam, AdamW, type AdamOptions, type AdamHyper, type AdamState } from './adam';
export { RMSprop, type RMSpropOptions, type RMSpropHyper, type RMSpropState } from './rmsprop';
export { Adagrad, type AdagradOptions, type AdagradHyper, type AdagradState } from './adagrad';
export { Adadelta, type AdadeltaOptions, type AdadeltaHyper, type AdadeltaState } from './adadelta';
export { ValueError } from './errors';
export type {
  ParamGroup,
  ParamGroupInit,
  ParamsArg,
  ParamState,
  StateValue,
  OptimizerStateDict,
  OptimizerSnapshot,
  SnapshotOptions,
} from './types';
export * as lr_scheduler from './lr_scheduler';
