// The `nn` namespace: modules, parameters, losses, init and utils, with PyTorch's names.
export { Module, setModuleCallObserver, assignModuleIds, type ModuleCallObserver } from './module';
export { Parameter } from './parameter';
export { Linear, Identity } from './linear';
export { ReLU, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax } from './activation';
export { Sequential, ModuleList } from './container';
export { Flatten, Unflatten, Dropout } from './shape-layers';
export { MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, type Reduction } from './loss';
export * as init from './init';
export * as functional from './functional';
