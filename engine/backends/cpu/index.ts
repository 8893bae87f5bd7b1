// The plain TypeScript reference backend: every kernel, single-threaded and deterministic. Other backends are
// tested against it.
import type { Backend } from '../../kernels/registry';
import { activation, activationGrad } from './activation';
import { adamUpdate } from './adam';
import { biasGrad } from './bias-grad';
import { conv2d } from './conv2d';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { lstmCell, lstmCellGrad } from './lstm-cell';
import { lstmSequenceGradOf, lstmSequenceOf } from '../../kernels/lstm-sequence';
import { gruCell, gruCellGrad } from './gru-cell';
import { matMul } from './matmul';
import { maxPool2d, maxPool2dBackward } from './max-pool2d';
import { relu, reluGrad } from './relu';
import { sgdUpdate } from './sgd';

/** The per-step kernels the LSTM's sequence kernels are composed of here. */
const steps = { MatMul: matMul, BiasGrad: biasGrad, LstmCell: lstmCell, LstmCellGrad: lstmCellGrad };

export const cpuBackend: Backend = {
  name: 'cpu',
  kernels: {
    MatMul: matMul,
    BiasGrad: biasGrad,
    Conv2D: conv2d,
    Conv2DBackpropInput: conv2dBackpropInput,
    Conv2DBackpropFilter: conv2dBackpropFilter,
    MaxPool2D: maxPool2d,
    MaxPool2DBackward: maxPool2dBackward,
    AdamUpdate: adamUpdate,
    SgdUpdate: sgdUpdate,
    Relu: relu,
    ReluGrad: reluGrad,
    Activation: activation,
    ActivationGrad: activationGrad,
    LstmCell: lstmCell,
    LstmCellGrad: lstmCellGrad,
    LstmSequence: lstmSequenceOf(steps),
    LstmSequenceGrad: lstmSequenceGradOf(steps),
    GruCell: gruCell,
    GruCellGrad: gruCellGrad,
  },
};
