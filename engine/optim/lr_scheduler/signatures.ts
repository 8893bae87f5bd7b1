// optim.lr_scheduler's constructor signatures in PyTorch's order (signature.ts binds them), so that
// `new StepLR(opt, 1, 0.7)` means gamma 0.7 as in PyTorch. `verbose`, deprecated in PyTorch, takes only its default.
import { P, signature, verboseParam } from '../../signature';

const optimizer = P.optimizer.req();
const last_epoch = P.int.opt();
const verbose = verboseParam;
const name = (n: string): string => `optim.lr_scheduler.${n}`;
const lrLambda = P.custom<unknown>('a function or an array of functions', (v) => typeof v === 'function' || (Array.isArray(v) && v.every((f) => typeof f === 'function')));
const schedulerList = P.custom<unknown[]>('an array of schedulers', (v) => Array.isArray(v));

export const stepLRArgs = signature(name('StepLR'), { optimizer, step_size: P.int.req(), gamma: P.num.opt(), last_epoch, verbose });
export const multiStepLRArgs = signature(name('MultiStepLR'), { optimizer, milestones: P.intList.req(), gamma: P.num.opt(), last_epoch, verbose });
export const exponentialLRArgs = signature(name('ExponentialLR'), { optimizer, gamma: P.num.req(), last_epoch, verbose });
export const cosineAnnealingLRArgs = signature(name('CosineAnnealingLR'), { optimizer, T_max: P.num.req(), eta_min: P.num.opt(), last_epoch, verbose });
export const lambdaLRArgs = signature(name('LambdaLR'), { optimizer, lr_lambda: lrLambda.req(), last_epoch, verbose });
export const multiplicativeLRArgs = signature(name('MultiplicativeLR'), { optimizer, lr_lambda: lrLambda.req(), last_epoch, verbose });
export const linearLRArgs = signature(name('LinearLR'), {
  optimizer,
  start_factor: P.num.opt(),
  end_factor: P.num.opt(),
  total_iters: P.int.opt(),
  last_epoch,
  verbose,
});
export const constantLRArgs = signature(name('ConstantLR'), { optimizer, factor: P.num.opt(), total_iters: P.int.opt(), last_epoch, verbose });
export const polynomialLRArgs = signature(name('PolynomialLR'), { optimizer, total_iters: P.int.opt(), power: P.num.opt(), last_epoch, verbose });
export const reduceLROnPlateauArgs = signature(name('ReduceLROnPlateau'), {
  optimizer,
  mode: P.any.opt(),
  factor: P.any.opt(),
  patience: P.any.opt(),
  threshold: P.any.opt(),
  threshold_mode: P.any.opt(),
  cooldown: P.any.opt(),
  min_lr: P.any.opt(),
  eps: P.any.opt(),
  verbose,
});
export const cyclicLRArgs = signature(name('CyclicLR'), {
  optimizer,
  base_lr: P.numOrList.req(),
  max_lr: P.numOrList.req(),
  step_size_up: P.any.opt(),
  step_size_down: P.any.opt(),
  mode: P.any.opt(),
  gamma: P.any.opt(),
  scale_fn: P.any.opt(),
  scale_mode: P.any.opt(),
  cycle_momentum: P.any.opt(),
  base_momentum: P.any.opt(),
  max_momentum: P.any.opt(),
  last_epoch,
  verbose,
});
export const oneCycleLRArgs = signature(name('OneCycleLR'), {
  optimizer,
  max_lr: P.numOrList.opt(),
  total_steps: P.any.opt(),
  epochs: P.any.opt(),
  steps_per_epoch: P.any.opt(),
  pct_start: P.any.opt(),
  anneal_strategy: P.any.opt(),
  cycle_momentum: P.any.opt(),
  base_momentum: P.any.opt(),
  max_momentum: P.any.opt(),
  div_factor: P.any.opt(),
  final_div_factor: P.any.opt(),
  three_phase: P.any.opt(),
  last_epoch,
  verbose,
});
export const sequentialLRArgs = signature(name('SequentialLR'), { optimizer, schedulers: schedulerList.req(), milestones: P.intList.req(), last_epoch, verbose });
export const chainedSchedulerArgs = signature(name('ChainedScheduler'), { schedulers: schedulerList.req(), optimizer: P.any.opt() });
export const warmRestartsArgs = signature(name('CosineAnnealingWarmRestarts'), {
  optimizer,
  T_0: P.int.req(),
  T_mult: P.int.opt(),
  eta_min: P.num.opt(),
  last_epoch,
  verbose,
});
