// optim.lr_scheduler: PyTorch 1.13's learning-rate schedulers, with its names. _LRScheduler is 1.13's name of
// the base class, LRScheduler the later one.
export { LRScheduler, LRScheduler as _LRScheduler, type SchedulableOptimizer, type SchedulerStateDict } from './scheduler';
export { StepLR, MultiStepLR, type StepLROptions } from './step-lr';
export { ExponentialLR } from './exponential-lr';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr';
export { LambdaLR, MultiplicativeLR, type LrLambda } from './lambda-lr';
export { LinearLR, ConstantLR, type LinearLROptions, type ConstantLROptions } from './linear-lr';
export { SequentialLR, ChainedScheduler } from './sequential-lr';
export { PolynomialLR, type PolynomialLROptions } from './polynomial-lr';
export { CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from './warm-restarts';
export { CyclicLR, type CyclicLROptions, type CyclicMode } from './cyclic-lr';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';
