// The heavy kernels every backend may implement. Kernels take and return raw Float32Arrays plus integer
// attributes (never Tensors) so a backend can be written without knowing autograd, and so the WebAssembly and
// gpu.js backends can be tested against the CPU reference kernel by kernel. Elementwise work stays in the op
// layer on the CPU, except the activations: JavaScript runs ReLU at ~8 ns per element (a branch on the sign that
// mispredicts on real activations) and Math.tanh at ~26 ns, against well under 1 ns in a v128 loop.

export interface MatMulAttrs {
  /** C[M,N] = op(A) · op(B), op(A) is [M,K], op(B) is [K,N]. */
  m: number;
  k: number;
  n: number;
  /** A is stored [K,M] when true, else [M,K]. */
  transA: boolean;
  /** B is stored [N,K] when true, else [K,N]. */
  transB: boolean;
  /** Number of independent matrices (contiguous); A, B and C are each `batch` matrices back to back. */
  batch?: number;
  /** When true, B is shared across the batch (only one B matrix). */
  broadcastB?: boolean;
  /**
   * A resident buffer C may be written into (a parameter's gradient slot, see nn/parameter.ts). Backends use it
   * when they can and return a view of it; otherwise they return a fresh array as usual.
   */
  out?: Float32Array;
  /** [N] added to every row of C (nn.Linear's bias), fused so no second pass over C is needed. Not with `batch` > 1. */
  bias?: Float32Array;
}

/** A bias gradient: g laid out [outer, channels, inner] summed over outer and inner, one value per channel. */
export interface BiasGradAttrs {
  outer: number;
  channels: number;
  inner: number;
}

export interface Conv2DAttrs {
  n: number;
  cIn: number;
  h: number;
  w: number;
  cOut: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  outH: number;
  outW: number;
}

export interface Pool2DAttrs {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outH: number;
  outW: number;
}

/** The smooth activations with kernels. Each one's derivative is written from its output y, as PyTorch's is. */
export type ActivationFn = 'tanh' | 'sigmoid';
export const ACTIVATION_FNS: readonly ActivationFn[] = ['tanh', 'sigmoid'];

export interface ActivationAttrs {
  fn: ActivationFn;
  /** A view to write y into, exactly as long as x (a plain RNN's hidden-state slot); else y is a fresh array. */
  into?: Float32Array;
}

export interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW (decoupled) when true, L2 added to the gradient (torch.optim.Adam) when false. */
  decoupled: boolean;
  amsgrad: boolean;
  /** 1-based step count after this update. */
  step: number;
}

export interface SgdAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** True on the first step (momentum buffer is initialised to the gradient, as in PyTorch). */
  firstStep: boolean;
}

/** One LSTM step over a batch: gate rows of 4H values (i, f, g, o, PyTorch's order), cell rows of H. */
export interface LstmCellAttrs {
  batch: number;
  hidden: number;
}

export interface LstmCellOut {
  /** The activated gates [B, 4H]: sigmoid(i), sigmoid(f), tanh(g), sigmoid(o). */
  gates: Float32Array;
  /** c = f*cPrev + i*g [B, H]. */
  c: Float32Array;
  /** h = o*tanh(c) [B, H]. */
  h: Float32Array;
}

export interface LstmCellGradOut {
  /** Gradients of the gate pre-activations [B, 4H]. */
  dGates: Float32Array;
  /** Gradient of the previous cell state [B, H]. */
  dcPrev: Float32Array;
}

/** One GRU step over a batch: gate rows of 3H values (r, z, n, PyTorch's order), state rows of H. */
export type GruCellAttrs = LstmCellAttrs;

export interface GruCellOut {
  /** The activated gates [B, 3H]: sigmoid(r), sigmoid(z), n = tanh(xn + r*hn). */
  gates: Float32Array;
  /** h = (1-z)*n + z*hPrev [B, H]. */
  h: Float32Array;
}

/** GruCellGrad's arrays: state rows [B, H] except the gates [B, 3H]. */
export interface GruCellGradInputs {
  /** The gradient of this step's output h. */
  gOut: Float32Array;
  /** The gradient reaching h through the next step's recurrence (dHp · W_hh of the step after). */
  dhRec: Float32Array;
  /** The forward's activated gates (r, z, n) and n's hidden part W_hn h + b_hn, before r gates it. */
  gates: Float32Array;
  hn: Float32Array;
  hPrev: Float32Array;
}

export interface GruCellGradOut {
  /** Gradients of the input projection's pre-activations [B, 3H]: (dr, dz, dn). */
  dX: Float32Array;
  /** Gradients of the hidden projection's [B, 3H]: (dr, dz, dn * r), since r gates n's hidden part. */
  dHp: Float32Array;
  /** The part of dL/dhPrev that bypasses W_hh: z * dh [B, H] (the rest is dHp · W_hh). */
  dhDirect: Float32Array;
}

/**
 * Where the caller wants results written: views into its own arrays (an LSTM layer's saved gates and states), each
 * exactly as long as the result. The kernel returns those views; results not named get fresh arrays. This saves a
 * fresh array and a copy per result and step (5 MB a step of the bench's LSTM forward).
 */
export type Into<Out> = { into?: Partial<Out> };

/** The caller's target for one result, checked to be exactly `length` long; undefined: make a fresh array. */
export function intoTarget(given: Float32Array | undefined, length: number, what: string): Float32Array | undefined {
  if (given && given.length !== length) throw new Error(`${what}: the target has ${given.length} elements, expected ${length}.`);
  return given;
}

/** LstmCellGrad's arrays: cell rows [B, H] except the gates [B, 4H]. */
export interface LstmCellGradInputs {
  /** The gradient of this step's output h. */
  gOut: Float32Array;
  /** The gradient reaching h through the next step's recurrence. */
  dhRec: Float32Array;
  /** dL/dc from the step after. */
  dcIn: Float32Array;
  /** The forward's activated gates, previous cell state and cell state. */
  gates: Float32Array;
  cPrev: Float32Array;
  c: Float32Array;
}

/** An LSTM layer's recurrence over `steps` time steps of a batch (PyTorch's gate order, as LstmCell). */
export interface LstmSequenceAttrs extends LstmCellAttrs {
  steps: number;
}

export interface LstmSequenceOut {
  /** [T+1, B, H]: h0 in slot 0, then h_t after step t. */
  hs: Float32Array;
  /** [T+1, B, H]: c0 in slot 0, then c_t. */
  cs: Float32Array;
  /** [T, B, 4H]: each step's activated gates (LstmCell's `gates`), which the backward needs. */
  gates: Float32Array;
}

/** LstmSequenceGrad's arrays: the forward's results and the gradient arriving at the layer's outputs. */
export interface LstmSequenceGradInputs {
  /** [T+1, B, H]: dL/dh_t for each step, then dL/dc_T in the last slot. */
  gOut: Float32Array;
  /** W_hh [4H, H]. */
  wHh: Float32Array;
  hs: Float32Array;
  cs: Float32Array;
  gates: Float32Array;
}

export interface LstmSequenceGradOut {
  /** [T, B, 4H]: the gate pre-activations' gradients of every step (the input and hidden projections share them). */
  dGates: Float32Array;
  /** dL/dh0 and dL/dc0 [B, H]. */
  dh0: Float32Array;
  dc0: Float32Array;
  /** dW_hh [4H, H] = dGatesᵀ · h_prev over all steps (MatMul's), when asked for (`weightGrad`), else null. */
  dWhh: Float32Array | null;
  /** db_hh [4H], dGates summed over steps and batch (BiasGrad's), when asked for (`biasGrad`), else null. */
  dBhh: Float32Array | null;
}

export interface LstmSequenceGradAttrs extends LstmSequenceAttrs {
  weightGrad: boolean;
  biasGrad: boolean;
}

export interface KernelMap {
  /** Returns a new C (batch*M*N). */
  MatMul(a: Float32Array, b: Float32Array, attrs: MatMulAttrs): Float32Array;
  /** The gradient of a bias that was added along `channels` (Linear: [rows, out, 1]; Conv2d: [N, Cout, OH*OW]). */
  BiasGrad(g: Float32Array, attrs: BiasGradAttrs): Float32Array;
  /** x [N,C,H,W], w [Cout, C/groups, KH, KW], bias [Cout] or null -> y [N,Cout,OH,OW]. */
  Conv2D(x: Float32Array, w: Float32Array, bias: Float32Array | null, attrs: Conv2DAttrs): Float32Array;
  /** dy [N,Cout,OH,OW], w -> dx [N,C,H,W]. */
  Conv2DBackpropInput(dy: Float32Array, w: Float32Array, attrs: Conv2DAttrs): Float32Array;
  /** x, dy -> dw [Cout, C/groups, KH, KW]. */
  Conv2DBackpropFilter(x: Float32Array, dy: Float32Array, attrs: Conv2DAttrs): Float32Array;
  /** y [N,C,OH,OW] and argmax indices (into each [H*W] plane; -1 when the window is all padding). */
  MaxPool2D(x: Float32Array, attrs: Pool2DAttrs): { y: Float32Array; argmax: Int32Array };
  /** MaxPool2D's backward: each output gradient added to the input its window took (argmax from the forward). */
  MaxPool2DBackward(dy: Float32Array, argmax: Int32Array, attrs: Pool2DAttrs): Float32Array;
  /** In place on param, m, v (and vMax when amsgrad). */
  AdamUpdate(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vMax: Float32Array | null,
    attrs: AdamAttrs,
  ): void;
  /** In place on param and buf (buf unused when momentum is 0). */
  SgdUpdate(param: Float32Array, grad: Float32Array, buf: Float32Array | null, attrs: SgdAttrs): void;
  /** torch.relu: max(x, 0), NaN stays NaN. Returns a new array. */
  Relu(x: Float32Array): Float32Array;
  /** ReLU's backward (torch's threshold_backward): dy where x > 0, else 0. Returns a new array. */
  ReluGrad(x: Float32Array, dy: Float32Array): Float32Array;
  /** y = tanh(x) or sigmoid(x) elementwise; NaN stays NaN, ±Infinity gives the limits. Returns y (attrs.into when given). */
  Activation(x: Float32Array, attrs: ActivationAttrs): Float32Array;
  /**
   * Its backward from the forward's y: dx = dy * (1 - y*y) for tanh, dy * (1 - y) * y for sigmoid (PyTorch's
   * tanh_backward and sigmoid_backward). Returns a new array.
   */
  ActivationGrad(y: Float32Array, dy: Float32Array, attrs: { fn: ActivationFn }): Float32Array;
  /** One LSTM step's gate arithmetic from the pre-activations xp + hp [B, 4H] and cPrev [B, H]. */
  LstmCell(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, attrs: LstmCellAttrs & Into<LstmCellOut>): LstmCellOut;
  /** Its backward: dL/dh = gOut + dhRec; returns the pre-activations' gradients and dL/dcPrev. */
  LstmCellGrad(inputs: LstmCellGradInputs, attrs: LstmCellAttrs & Into<LstmCellGradOut>): LstmCellGradOut;
  /**
   * A whole LSTM layer's recurrence: for each step, hp = b_hh + h·W_hhᵀ (MatMul) and LstmCell(xp_t, hp, c). xp
   * [T, B, 4H] holds every step's input projection (one GEMM outside, as PyTorch does); b_hh may be null. One call
   * instead of two per step lets a backend keep the states in its own memory for the whole sequence. Its results
   * equal those of the per-step kernels on the same backend, bit for bit.
   */
  LstmSequence(xp: Float32Array, wHh: Float32Array, bHh: Float32Array | null, h0: Float32Array, c0: Float32Array, attrs: LstmSequenceAttrs): LstmSequenceOut;
  /**
   * Its backward through time: per step LstmCellGrad, then dh_{t-1} = dGates_t · W_hh (MatMul), last step first;
   * then, when asked, W_hh's and b_hh's gradients over all steps (one MatMul, one BiasGrad).
   */
  LstmSequenceGrad(inputs: LstmSequenceGradInputs, attrs: LstmSequenceGradAttrs): LstmSequenceGradOut;
  /**
   * One GRU step's gate arithmetic from the input projection xp and the hidden projection hp (with b_hh) [B, 3H],
   * and hPrev [B, H]: n's hidden part is gated by r inside the tanh, as in PyTorch.
   */
  GruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, attrs: GruCellAttrs & Into<GruCellOut>): GruCellOut;
  /** Its backward: dL/dh = gOut + dhRec; returns the two projections' pre-activation gradients and z * dh. */
  GruCellGrad(inputs: GruCellGradInputs, attrs: GruCellAttrs & Into<GruCellGradOut>): GruCellGradOut;
}

export type KernelName = keyof KernelMap;

export const KERNEL_NAMES: readonly KernelName[] = [
  'MatMul',
  'BiasGrad',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'MaxPool2D',
  'MaxPool2DBackward',
  'AdamUpdate',
  'SgdUpdate',
  'Relu',
  'ReluGrad',
  'Activation',
  'ActivationGrad',
  'LstmCell',
  'LstmCellGrad',
  'LstmSequence',
  'LstmSequenceGrad',
  'GruCell',
  'GruCellGrad',
];
