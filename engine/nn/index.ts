// The `nn` namespace: modules, parameters, losses, init and utils, with PyTorch's names.
export { Module, setModuleCallObserver, assignModuleIds, type ModuleCallObserver } from './module';
export { Parameter } from './parameter';
export { Linear, Identity } from './linear';
export { ReLU, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax } from './activation';
export { Sequential, ModuleList } from './container';
export { Flatten, Unflatten, Dropout, Dropout2d } from './shape-layers';
export { type Reduction } from './loss';
export { MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, SmoothL1Loss } from './loss-modules';
export * as init from './init';
export * as functional from './functional';
export { Conv1d, Conv2d, type ConvLayerOptions } from './conv';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pool';
export { BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions } from './norm';
export { Embedding } from './embedding';
export { RNN, LSTM, GRU, type RNNOptions } from './rnn';
export { LSTMCell, GRUCell } from './rnn-cell';
export * as utils from './utils';
