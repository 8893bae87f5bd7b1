// Every public constructor and function of nn, F, optim and optim.lr_scheduler takes PyTorch's positional arguments
// in PyTorch's order, and refuses what it cannot interpret. The table is PyTorch's documented signatures (2.x docs;
// checked against inspect.signature of Debian's torch 1.13 where that gives one, which differs only where 2.x added
// a parameter: LayerNorm's bias, LSTM's proj_size, Embedding's _freeze, the optimizers' fused/capturable switches,
// ChainedScheduler's optimizer). Positional names first, then Python's keyword-only names (after `*`).
import test from 'node:test';
import assert from 'node:assert/strict';
import { F, nn, optim, tensor, Tensor } from '../../engine/index';
import { SIGNATURES } from '../../engine/signature';

type Row = [name: string, positional: string[], keywordOnly?: string[]];
const RL = ['size_average', 'reduce', 'reduction'];
const CONV = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode', 'device', 'dtype'];
const BN = ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats', 'device', 'dtype'];
const RNN_TAIL = ['bias', 'batch_first', 'dropout', 'bidirectional'];
const F_CONV = ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'];
const SCHED = 'optim.lr_scheduler.';

const PYTORCH: Row[] = [
  ['nn.Linear', ['in_features', 'out_features', 'bias', 'device', 'dtype']],
  ['nn.ReLU', ['inplace']],
  ['nn.LeakyReLU', ['negative_slope', 'inplace']],
  ['nn.ELU', ['alpha', 'inplace']],
  ['nn.GELU', ['approximate']],
  ['nn.Sigmoid', []],
  ['nn.Tanh', []],
  ['nn.Softplus', ['beta', 'threshold']],
  ['nn.Softmax', ['dim']],
  ['nn.LogSoftmax', ['dim']],
  ['nn.Flatten', ['start_dim', 'end_dim']],
  ['nn.Unflatten', ['dim', 'unflattened_size']],
  ['nn.Dropout', ['p', 'inplace']],
  ['nn.Dropout2d', ['p', 'inplace']],
  ['nn.LSTMCell', ['input_size', 'hidden_size', 'bias', 'device', 'dtype']],
  ['nn.GRUCell', ['input_size', 'hidden_size', 'bias', 'device', 'dtype']],
  ['nn.SmoothL1Loss', [...RL, 'beta']],
  ['nn.MSELoss', RL],
  ['nn.L1Loss', RL],
  ['nn.CrossEntropyLoss', ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing']],
  ['nn.NLLLoss', ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction']],
  ['nn.BCELoss', ['weight', ...RL]],
  ['nn.BCEWithLogitsLoss', ['weight', ...RL, 'pos_weight']],
  ['nn.KLDivLoss', [...RL, 'log_target']],
  ['nn.Conv1d', CONV],
  ['nn.Conv2d', CONV],
  ['nn.MaxPool2d', ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode']],
  ['nn.AvgPool2d', ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']],
  ['nn.AdaptiveAvgPool2d', ['output_size']],
  ['nn.BatchNorm1d', BN],
  ['nn.BatchNorm2d', BN],
  ['nn.LayerNorm', ['normalized_shape', 'eps', 'elementwise_affine', 'bias', 'device', 'dtype']],
  [
    'nn.Embedding',
    ['num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse', '_weight', '_freeze', 'device', 'dtype'],
  ],
  ['nn.RNN', ['input_size', 'hidden_size', 'num_layers', 'nonlinearity', ...RNN_TAIL, 'device', 'dtype']],
  ['nn.LSTM', ['input_size', 'hidden_size', 'num_layers', ...RNN_TAIL, 'proj_size', 'device', 'dtype']],
  ['nn.GRU', ['input_size', 'hidden_size', 'num_layers', ...RNN_TAIL, 'device', 'dtype']],

  ['F.relu', ['input', 'inplace']],
  ['F.leaky_relu', ['input', 'negative_slope', 'inplace']],
  ['F.elu', ['input', 'alpha', 'inplace']],
  ['F.gelu', ['input', 'approximate']],
  ['F.sigmoid', ['input']],
  ['F.tanh', ['input']],
  ['F.softplus', ['input', 'beta', 'threshold']],
  ['F.softmax', ['input', 'dim', '_stacklevel', 'dtype']],
  ['F.log_softmax', ['input', 'dim', '_stacklevel', 'dtype']],
  ['F.linear', ['input', 'weight', 'bias']],
  ['F.dropout', ['input', 'p', 'training', 'inplace']],
  ['F.dropout2d', ['input', 'p', 'training', 'inplace']],
  ['F.smooth_l1_loss', ['input', 'target', ...RL, 'beta']],
  ['F.mse_loss', ['input', 'target', ...RL]],
  ['F.l1_loss', ['input', 'target', ...RL]],
  ['F.cross_entropy', ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing']],
  ['F.nll_loss', ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction']],
  ['F.binary_cross_entropy', ['input', 'target', 'weight', ...RL]],
  ['F.binary_cross_entropy_with_logits', ['input', 'target', 'weight', ...RL, 'pos_weight']],
  ['F.kl_div', ['input', 'target', ...RL, 'log_target']],
  ['F.conv1d', F_CONV],
  ['F.conv2d', F_CONV],
  ['F.max_pool2d', ['input', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices']],
  ['F.avg_pool2d', ['input', 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']],
  ['F.adaptive_avg_pool2d', ['input', 'output_size']],
  ['F.batch_norm', ['input', 'running_mean', 'running_var', 'weight', 'bias', 'training', 'momentum', 'eps']],
  ['F.layer_norm', ['input', 'normalized_shape', 'weight', 'bias', 'eps']],
  ['F.embedding', ['input', 'weight', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse']],

  ['optim.SGD', ['params', 'lr', 'momentum', 'dampening', 'weight_decay', 'nesterov'], ['maximize', 'foreach', 'differentiable', 'fused']],
  ['optim.Adam', ['params', 'lr', 'betas', 'eps', 'weight_decay', 'amsgrad'], ['foreach', 'maximize', 'capturable', 'differentiable', 'fused']],
  ['optim.AdamW', ['params', 'lr', 'betas', 'eps', 'weight_decay', 'amsgrad'], ['maximize', 'foreach', 'capturable', 'differentiable', 'fused']],
  ['optim.RMSprop', ['params', 'lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'capturable', 'foreach', 'maximize', 'differentiable']],
  ['optim.Adadelta', ['params', 'lr', 'rho', 'eps', 'weight_decay', 'foreach'], ['capturable', 'maximize', 'differentiable']],
  ['optim.Adagrad', ['params', 'lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'foreach'], ['maximize', 'differentiable', 'fused']],

  [SCHED + 'StepLR', ['optimizer', 'step_size', 'gamma', 'last_epoch', 'verbose']],
  [SCHED + 'MultiStepLR', ['optimizer', 'milestones', 'gamma', 'last_epoch', 'verbose']],
  [SCHED + 'ExponentialLR', ['optimizer', 'gamma', 'last_epoch', 'verbose']],
  [SCHED + 'CosineAnnealingLR', ['optimizer', 'T_max', 'eta_min', 'last_epoch', 'verbose']],
  [SCHED + 'LambdaLR', ['optimizer', 'lr_lambda', 'last_epoch', 'verbose']],
  [SCHED + 'MultiplicativeLR', ['optimizer', 'lr_lambda', 'last_epoch', 'verbose']],
  [SCHED + 'LinearLR', ['optimizer', 'start_factor', 'end_factor', 'total_iters', 'last_epoch', 'verbose']],
  [SCHED + 'ConstantLR', ['optimizer', 'factor', 'total_iters', 'last_epoch', 'verbose']],
  [SCHED + 'PolynomialLR', ['optimizer', 'total_iters', 'power', 'last_epoch', 'verbose']],
  [SCHED + 'ReduceLROnPlateau', ['optimizer', 'mode', 'factor', 'patience', 'threshold', 'threshold_mode', 'cooldown', 'min_lr', 'eps', 'verbose']],
  [
    SCHED + 'CyclicLR',
    [
      'optimizer', 'base_lr', 'max_lr', 'step_size_up', 'step_size_down', 'mode', 'gamma', 'scale_fn', 'scale_mode', 'cycle_momentum',
      'base_momentum', 'max_momentum', 'last_epoch', 'verbose',
    ],
  ],
  [
    SCHED + 'OneCycleLR',
    [
      'optimizer', 'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum', 'base_momentum',
      'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', 'last_epoch', 'verbose',
    ],
  ],
  [SCHED + 'SequentialLR', ['optimizer', 'schedulers', 'milestones', 'last_epoch', 'verbose']],
  [SCHED + 'ChainedScheduler', ['schedulers', 'optimizer']],
  [SCHED + 'CosineAnnealingWarmRestarts', ['optimizer', 'T_0', 'T_mult', 'eta_min', 'last_epoch', 'verbose']],
];

// Public names that are not PyTorch constructors with a fixed signature: variadic containers, base classes,
// Gradlens' own helpers.
const NOT_IN_TABLE = new Set([
  'nn.Module', 'nn.Sequential', 'nn.ModuleList', 'nn.Identity', 'nn.Parameter', 'F.gaussian_kl',
  'optim.Optimizer', 'optim.ValueError', SCHED + 'LRScheduler', SCHED + '_LRScheduler',
]);

test('every signature in the table is declared with PyTorch positional order and keyword-only names', () => {
  for (const [name, positional, keywordOnly = []] of PYTORCH) {
    const declared = SIGNATURES.get(name);
    assert.ok(declared, `${name} declares no signature`);
    assert.deepEqual(declared.positional, positional, `${name}: positional parameters`);
    assert.deepEqual([...declared.keywordOnly].sort(), [...keywordOnly].sort(), `${name}: keyword-only parameters`);
  }
});

test('every public constructor and function of nn, F, optim and lr_scheduler is in the table', () => {
  const inTable = new Set(PYTORCH.map(([n]) => n));
  const publicNames: string[] = [];
  const collect = (prefix: string, ns: object): void => {
    for (const [k, v] of Object.entries(ns)) if (typeof v === 'function' && /^[A-Za-z]/.test(k)) publicNames.push(prefix + k);
  };
  collect('nn.', nn);
  collect('F.', F);
  collect('optim.', optim);
  collect(SCHED, optim.lr_scheduler);
  const nnModules = ['nn.setModuleCallObserver', 'nn.assignModuleIds'];
  const missing = publicNames.filter((n) => !inTable.has(n) && !NOT_IN_TABLE.has(n) && !nnModules.includes(n));
  assert.deepEqual(missing, []);
});

const x4 = (): Tensor => tensor(Array.from({ length: 2 * 1 * 8 * 8 }, (_, i) => i % 7)).reshape(2, 1, 8, 8);

test("the issue's literal ports mean what they mean in PyTorch", () => {
  assert.deepEqual(new nn.Conv2d(1, 16, 3, 2).stride, [2, 2]);
  assert.deepEqual(new nn.Conv2d(1, 16, 3, 2)(x4()).shape, [2, 16, 3, 3]);
  const opt = new optim.SGD(new nn.Linear(2, 1).parameters(), 0.1);
  const sched = new optim.lr_scheduler.StepLR(opt, 1, 0.7);
  assert.equal(sched.gamma, 0.7);
  sched.step();
  assert.ok(Math.abs(opt.param_groups[0].lr - 0.07) < 1e-12);
  // nn.LSTM(8, 8, 2, 0.5): PyTorch reads 0.5 as bias (truthy); Gradlens wants a boolean and says so.
  assert.equal(new nn.LSTM(8, 8, 2).num_layers, 2);
  assert.throws(() => new nn.LSTM(8, 8, 2, 0.5 as unknown as boolean), /nn\.LSTM\(\): argument 'bias' must be a boolean, got number 0\.5/);
  assert.equal(new nn.LSTM(8, 8, { num_layers: 2, dropout: 0.5 }).dropout, 0.5);
  assert.equal(new nn.Dropout({ p: 0.25 }).p, 0.25);
  const d = new nn.Dropout({ p: 0.25 })(tensor(new Array(4000).fill(1)));
  const zeros = Array.from(d.data).filter((v) => v === 0).length;
  assert.ok(zeros > 800 && zeros < 1200, `about a quarter zeroed, got ${zeros}`);
  const logits = tensor([[1, 2], [3, 4]]);
  const ls0 = F.log_softmax(logits, { dim: 0 });
  assert.ok(Math.abs(ls0.data[0] - Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(3)))) < 1e-6);
  assert.deepEqual(Array.from(F.log_softmax(logits, 0).data), Array.from(ls0.data));
});

test('positional and option forms agree, and options may name any parameter', () => {
  const a = new nn.MaxPool2d(2, 1, 1);
  const b = new nn.MaxPool2d({ kernel_size: 2, stride: 1, padding: 1 } as unknown as number);
  assert.deepEqual([a.kernel_size, a.stride, a.padding], [b.kernel_size, b.stride, b.padding]);
  assert.deepEqual(new nn.Linear(3, 2, false).bias, null);
  assert.deepEqual(new nn.Linear(3, 2, { bias: false }).bias, null);
  assert.equal(new nn.CrossEntropyLoss(null, null, 3).ignore_index, 3);
  assert.equal(new nn.BatchNorm1d(4, 1e-3, 0.2).momentum, 0.2);
  assert.equal(new optim.Adam(new nn.Linear(2, 1).parameters(), 0.01, [0.8, 0.9]).param_groups[0].betas[0], 0.8);
  assert.equal(new nn.RNN(3, 4, 1, 'relu').nonlinearity, 'relu');
  assert.deepEqual(F.conv2d(x4(), tensor(new Array(9).fill(1)).reshape(1, 1, 3, 3), null, 2).shape, [2, 1, 3, 3]);
});

test('an argument that cannot be interpreted is a TypeError naming the layer or function and the argument', () => {
  const throwsTE = (fn: () => unknown, re: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof TypeError && re.test(e.message));
  const loose = nn as unknown as Record<string, new (...a: unknown[]) => unknown>;
  throwsTE(() => new loose.Conv2d(1, 16, 3, 2, 0, 1, 1, true, 'zeros', 'cpu', 'float32', 7), /nn\.Conv2d\(\) takes 11 positional arguments .* but 12 were given/);
  throwsTE(() => new loose.Conv2d(1, 16, 3, { strides: 2 }), /nn\.Conv2d\(\) got an unexpected option 'strides'/);
  throwsTE(() => new loose.Conv2d(1, 16, '3'), /nn\.Conv2d\(\): argument 'kernel_size' must be an integer or an array of integers, got '3'/);
  throwsTE(() => new loose.Conv2d(1, 16, 3, 2, { stride: 2 }), /nn\.Conv2d\(\) got multiple values for argument 'stride'/);
  throwsTE(() => new loose.Conv2d(1, 16), /nn\.Conv2d\(\) missing required argument 'kernel_size'/);
  throwsTE(() => new loose.Linear(3, 2, true, 'cuda'), /nn\.Linear\(\): argument 'device' must be "cpu" or null \(Gradlens computes on the CPU\), got 'cuda'/);
  throwsTE(() => new loose.MSELoss(true), /nn\.MSELoss\(\): argument 'size_average' must be null \(deprecated in PyTorch .* use reduction/);
  throwsTE(() => new loose.Dropout(0.5, { training: false }), /nn\.Dropout\(\) got an unexpected option 'training'/);
  throwsTE(() => new loose.Sigmoid(1), /nn\.Sigmoid\(\) takes 0 positional arguments \(\) but 1 were given/);
  const looseF = F as unknown as Record<string, (...a: unknown[]) => unknown>;
  throwsTE(() => looseF.log_softmax(tensor([1, 2]), { axis: 0 }), /F\.log_softmax\(\) got an unexpected option 'axis'/);
  throwsTE(() => looseF.relu([1, 2]), /F\.relu\(\): argument 'input' must be a Tensor, got an array/);
  throwsTE(() => looseF.cross_entropy(tensor([[1, 2]]), tensor([1]), tensor([1, 1])), /F\.cross_entropy\(\): argument 'weight' must be null \(class weights are not implemented\)/);
  const opt = new optim.SGD(new nn.Linear(2, 1).parameters(), 0.1);
  const loose2 = optim as unknown as Record<string, new (...a: unknown[]) => unknown>;
  throwsTE(() => new loose2.SGD(new nn.Linear(2, 1).parameters(), 0.1, 0.9, 0, 0, false, true), /optim\.SGD\(\) takes 6 positional arguments/);
  throwsTE(() => new loose2.SGD(new nn.Linear(2, 1).parameters(), { lr: 0.1, momentun: 0.9 }), /optim\.SGD\(\) got an unexpected option 'momentun'/);
  throwsTE(() => new loose2.SGD(new nn.Linear(2, 1).parameters(), { lr: 0.1, foreach: true }), /optim\.SGD\(\): argument 'foreach' must be false or null/);
  const sched = optim.lr_scheduler as unknown as Record<string, new (...a: unknown[]) => unknown>;
  throwsTE(() => new sched.StepLR(opt, 1, { gama: 0.5 }), /optim\.lr_scheduler\.StepLR\(\) got an unexpected option 'gama'/);
  throwsTE(() => new sched.StepLR(opt, 1, '0.5'), /optim\.lr_scheduler\.StepLR\(\): argument 'gamma' must be a number, got '0\.5'/);
  throwsTE(() => new sched.StepLR({}, 1), /StepLR\(\): argument 'optimizer' must be an optimizer/);
});
