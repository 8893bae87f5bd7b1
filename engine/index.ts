// The `gradlens` module that model files import: PyTorch's names (torch, nn, optim, F) plus data and defineTraining.
export { Tensor } from './tensor';
export { tensor, full, zeros_like, ones_like, randn_like, arange, linspace } from './creation';
// PyTorch's size forms: zeros(2, 3), zeros([2, 3]) and a trailing { requires_grad } (torch.ts).
export { zeros, ones, randn, rand } from './torch';
export { no_grad, is_grad_enabled, set_grad_enabled, makeOp } from './autograd';
export { manual_seed, Generator } from './random';
export { cat, stack } from './ops/shape';
export { matmul } from './ops/matmul';
export { ShapeError } from './errors';
export { defineTraining, type TrainingDefinition } from './definition';
export * as nn from './nn';
export * as data from './data/index';
export * as datasets from './data/datasets';
export * as transforms from './data/transforms';
export { DataLoader } from './data/loader';
export { TensorDataset } from './data/datasets';
export * as F from './nn/functional';
export * as optim from './optim';
export * as torch from './torch';
export { Device } from './device';
export { log } from './log';

// A PyTorch name Gradlens lacks (torch.fft, nn.Transformer, x.cumsum()) is one clear error at the user's line
// instead of "is not a function" (engine/missing-names.ts). The guard goes on the namespaces as this module exports
// them, so the module imports itself: what model files reach is exactly what is guarded.
import * as gradlens from './index';
import { installMissingNameErrors } from './missing-names';
import { Tensor as TensorClass } from './tensor';
import { Module as ModuleClass } from './nn/module';
import { Optimizer as OptimizerClass } from './optim/optimizer';
installMissingNameErrors(gradlens, { Tensor: TensorClass.prototype, Module: ModuleClass.prototype, Optimizer: OptimizerClass.prototype });
