// The `gradlens` module that model files import: PyTorch's names (torch, nn, optim, F) plus data and defineTraining.
export { Tensor } from './tensor';
export { tensor, zeros, ones, full, zeros_like, ones_like, randn, rand, randn_like, arange, linspace } from './creation';
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
