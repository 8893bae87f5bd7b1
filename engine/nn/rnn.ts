// nn.RNN, nn.LSTM, nn.GRU with PyTorch 1.13's arguments, parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0,
// bias_hh_l0, ...), gate order and initialisation U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). Per layer the
// input projection of all steps is one matmul (F.linear over [T*N, in]); the recurrence is one fused node
// (rnn-sequence.ts). Unidirectional only.
import { full } from '../creation';
import { ShapeError, shapeStr } from '../errors';
import { linearInto } from '../ops/matmul';
import { cat, narrow, reshape, select, transpose } from '../ops/shape';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { pyFloat } from './norm';
import { Parameter } from './parameter';
import { residentOnly } from '../storage';
import { GATES, recurrentLayer, type CellKind } from './rnn-sequence';
import { dropout as dropoutFn } from './shape-layers';
import { P, deviceParam, dtypeParam, signature } from '../signature';

// PyTorch's order: RNN has nonlinearity before bias; LSTM has proj_size after bidirectional.
const rnnArgs = signature('nn.RNN', {
  input_size: P.int.req(),
  hidden_size: P.int.req(),
  num_layers: P.int.opt(),
  nonlinearity: P.oneOf('tanh', 'relu').opt(),
  bias: P.bool.opt(),
  batch_first: P.bool.opt(),
  dropout: P.num.opt(),
  bidirectional: P.bool.opt(),
  device: deviceParam,
  dtype: dtypeParam,
});
const lstmArgs = signature('nn.LSTM', {
  input_size: P.int.req(),
  hidden_size: P.int.req(),
  num_layers: P.int.opt(),
  bias: P.bool.opt(),
  batch_first: P.bool.opt(),
  dropout: P.num.opt(),
  bidirectional: P.bool.opt(),
  proj_size: P.unsupported('LSTM projections are not implemented', 0).opt(),
  device: deviceParam,
  dtype: dtypeParam,
});
const gruArgs = signature('nn.GRU', {
  input_size: P.int.req(),
  hidden_size: P.int.req(),
  num_layers: P.int.opt(),
  bias: P.bool.opt(),
  batch_first: P.bool.opt(),
  dropout: P.num.opt(),
  bidirectional: P.bool.opt(),
  device: deviceParam,
  dtype: dtypeParam,
});

type RNNArgsTail = [num_layers?: number, bias?: boolean, batch_first?: boolean, dropout?: number, bidirectional?: false, opts?: RNNOptions];

export interface RNNOptions {
  num_layers?: number;
  bias?: boolean;
  batch_first?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  /** Not supported: throws. */
  bidirectional?: boolean;
}

interface LayerWeights {
  w_ih: Tensor;
  w_hh: Tensor;
  b_ih: Tensor | null;
  b_hh: Tensor | null;
}

/**
 * Each LSTM layer's input projection (x·W_ihᵀ + b_ih for every step) is written by its GEMM into a resident buffer
 * the module keeps, and LstmSequence reads it there in place: before, the bench LSTM's 3.7 MB projection went out of
 * the heap into a fresh array and straight back in. The module's next call overwrites it, which is safe because
 * nothing reads a projection after its LstmSequence: the LSTM's gradients need its gates and states, the
 * projection's own gradients the input and the weights. (The GRU's backward reads its projection: it keeps fresh
 * arrays.) Null entries mark a layer whose backend keeps no resident storage.
 */
const projections = new WeakMap<object, Array<Float32Array | null | undefined>>();
/** Rows of headroom past the projection's rows, for the GEMM's whole register tiles (as a gradient slot has). */
const PROJECTION_PAD_ROWS = 8;

function projectionBuffer(owner: object, layer: number, rows: number, cols: number): Float32Array | undefined {
  let layers = projections.get(owner);
  if (!layers) projections.set(owner, (layers = []));
  const length = (rows + PROJECTION_PAD_ROWS) * cols;
  const held = layers[layer];
  if (held === null) return undefined;
  if (held && held.length === length) return held;
  layers[layer] = residentOnly(length);
  return layers[layer] ?? undefined;
}

abstract class RNNBase<A extends unknown[], R> extends Module<A, R> {
  readonly num_layers: number;
  readonly bias: boolean;
  readonly batch_first: boolean;
  readonly dropout: number;
  readonly bidirectional = false;
  // Layer 0's parameters, typed for user code (lstm.weight_hh_l0); all layers are assigned in the constructor.
  declare weight_ih_l0: Parameter;
  declare weight_hh_l0: Parameter;
  declare bias_ih_l0: Parameter | undefined;
  declare bias_hh_l0: Parameter | undefined;

  constructor(
    protected readonly mode: CellKind,
    readonly input_size: number,
    readonly hidden_size: number,
    opts: RNNOptions,
  ) {
    super();
    if (opts.bidirectional) throw new Error(`${this.typeName}: bidirectional=true is not supported by Gradlens (unidirectional only)`);
    for (const [name, v] of [['input_size', input_size], ['hidden_size', hidden_size], ['num_layers', opts.num_layers ?? 1]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
    }
    const p = opts.dropout ?? 0;
    if (p < 0 || p > 1) throw new Error(`dropout should be a number in range [0, 1], got ${p}`);
    this.num_layers = opts.num_layers ?? 1;
    this.bias = opts.bias ?? true;
    this.batch_first = opts.batch_first ?? false;
    this.dropout = p;
    const gh = GATES[mode] * hidden_size;
    const bound = 1 / Math.sqrt(hidden_size);
    const self = this as unknown as Record<string, Parameter>;
    // Assigned in PyTorch's order, so named_parameters() lists them as torch does; then all drawn U(-k, k).
    for (let k = 0; k < this.num_layers; k++) {
      self[`weight_ih_l${k}`] = new Parameter(full([gh, k === 0 ? input_size : hidden_size], 0));
      self[`weight_hh_l${k}`] = new Parameter(full([gh, hidden_size], 0));
      if (this.bias) {
        self[`bias_ih_l${k}`] = new Parameter(full([gh], 0));
        self[`bias_hh_l${k}`] = new Parameter(full([gh], 0));
      }
    }
    for (const [, param] of this.named_own_parameters()) param.uniform_(-bound, bound);
  }

  /** Read by name at every call, so load_state_dict and user reassignment are honoured. */
  private layerWeights(k: number): LayerWeights {
    const self = this as unknown as Record<string, Tensor | undefined>;
    const get = (n: string): Tensor => {
      const t = self[n];
      if (!t) throw new Error(`${this.typeName}: parameter ${n} is missing`);
      return t;
    };
    return {
      w_ih: get(`weight_ih_l${k}`),
      w_hh: get(`weight_hh_l${k}`),
      b_ih: this.bias ? get(`bias_ih_l${k}`) : null,
      b_hh: this.bias ? get(`bias_hh_l${k}`) : null,
    };
  }

  /** Checks an initial state against [num_layers, N, hidden] (or [num_layers, hidden] unbatched). */
  private checkState(name: string, s: Tensor, batch: number, unbatched: boolean): Tensor {
    const want = unbatched ? [this.num_layers, this.hidden_size] : [this.num_layers, batch, this.hidden_size];
    if (s.shape.join(',') !== want.join(',')) {
      throw new ShapeError(this.typeName.toLowerCase(), `initial state ${name} must be [num_layers, N, hidden_size]`, shapeStr(want), shapeStr(s.shape));
    }
    return unbatched ? reshape(s, [this.num_layers, 1, this.hidden_size], 'rnn') : s;
  }

  /** Runs all layers; states are [num_layers, N, H] (batched) or undefined. Returns output, h_n and c_n. */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const op = this.typeName.toLowerCase();
    const unbatched = input.shape.length === 2;
    const layout = this.batch_first ? `[N, T, ${this.input_size}]` : `[T, N, ${this.input_size}]`;
    if (input.shape.length !== 3 && !unbatched) {
      throw new ShapeError(op, `input must be 3-D ${this.batch_first ? '(batch_first)' : '(sequence first; pass { batch_first: true } for [N, T, features])'} or 2-D unbatched`, layout, shapeStr(input.shape));
    }
    if (input.shape[input.shape.length - 1] !== this.input_size) {
      throw new ShapeError(op, `input has ${input.shape[input.shape.length - 1]} features, input_size is ${this.input_size}`, layout, shapeStr(input.shape));
    }
    let x = unbatched ? reshape(input, [input.shape[0], 1, this.input_size], op) : this.batch_first ? transpose(input, 0, 1) : input;
    const [T, B] = x.shape;
    if (T === 0) throw new ShapeError(op, 'the sequence is empty', layout, shapeStr(input.shape));
    const H = this.hidden_size;
    const lstm = this.mode === 'LSTM';
    const h0s = h0 ? this.checkState('h_0', h0, B, unbatched) : null;
    const c0s = c0 ? this.checkState('c_0', c0, B, unbatched) : null;
    const hn: Tensor[] = [];
    const cn: Tensor[] = [];
    for (let k = 0; k < this.num_layers; k++) {
      const { w_ih, w_hh, b_ih, b_hh } = this.layerWeights(k);
      const xp = linearInto(reshape(x, [T * B, x.shape[2]], op), w_ih, b_ih, lstm ? projectionBuffer(this, k, T * B, GATES.LSTM * H) : undefined);
      const hk = h0s ? select(h0s, 0, k) : full([B, H], 0);
      const ck = lstm ? (c0s ? select(c0s, 0, k) : full([B, H], 0)) : null;
      const z = recurrentLayer(this.mode, xp, w_hh, b_hh, hk, ck, T, B, H);
      const out = lstm ? narrow(z, 0, 0, T) : z;
      hn.push(narrow(z, 0, T - 1, 1));
      if (lstm) cn.push(narrow(z, 0, T, 1));
      x = k < this.num_layers - 1 && this.dropout > 0 && this.training ? dropoutFn(out, this.dropout, true) : out;
    }
    let hN = hn.length === 1 ? hn[0] : cat(hn, 0);
    let cN = lstm ? (cn.length === 1 ? cn[0] : cat(cn, 0)) : null;
    let output = x;
    if (unbatched) {
      output = reshape(output, [T, H], op);
      hN = reshape(hN, [this.num_layers, H], op);
      if (cN) cN = reshape(cN, [this.num_layers, H], op);
    } else if (this.batch_first) {
      output = transpose(output, 0, 1);
    }
    return [output, hN, cN];
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (this.mode === 'RNN_RELU') s += `, nonlinearity='relu'`;
    if (!this.bias) s += ', bias=False';
    if (this.batch_first) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    return s;
  }
}

/** Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act tanh (default) or relu. */
export class RNN extends RNNBase<[input: Tensor, hx?: Tensor | null], [Tensor, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(input_size: number, hidden_size: number, opts?: RNNOptions & { nonlinearity?: 'tanh' | 'relu' });
  constructor(
    input_size: number,
    hidden_size: number,
    num_layers?: number,
    nonlinearity?: 'tanh' | 'relu',
    bias?: boolean,
    batch_first?: boolean,
    dropout?: number,
    bidirectional?: false,
    opts?: RNNOptions & { nonlinearity?: 'tanh' | 'relu' },
  );
  constructor(...args: unknown[]) {
    const opts = rnnArgs(args);
    const nl = opts.nonlinearity ?? 'tanh';
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', opts.input_size, opts.hidden_size, opts);
    this.nonlinearity = nl;
  }

  /** Returns [output, h_n]: output [T, N, H] ([N, T, H] with batch_first), h_n [num_layers, N, H]. */
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx, null);
    return [out, h];
  }
}

/** LSTM with gates (i, f, g, o); returns [output, [h_n, c_n]]. */
export class LSTM extends RNNBase<[input: Tensor, hx?: readonly [Tensor, Tensor] | null], [Tensor, [Tensor, Tensor]]> {
  constructor(input_size: number, hidden_size: number, opts?: RNNOptions);
  constructor(input_size: number, hidden_size: number, ...rest: RNNArgsTail);
  constructor(...args: unknown[]) {
    const opts = lstmArgs(args);
    super('LSTM', opts.input_size, opts.hidden_size, opts);
  }

  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    if (hx && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTM: the initial state must be a pair [h_0, c_0]');
    const [out, h, c] = this.run(input, hx ? hx[0] : null, hx ? hx[1] : null);
    return [out, [h, c as Tensor]];
  }
}

/** GRU with gates (r, z, n); returns [output, h_n]. */
export class GRU extends RNNBase<[input: Tensor, hx?: Tensor | null], [Tensor, Tensor]> {
  constructor(input_size: number, hidden_size: number, opts?: RNNOptions);
  constructor(input_size: number, hidden_size: number, ...rest: RNNArgsTail);
  constructor(...args: unknown[]) {
    const opts = gruArgs(args);
    super('GRU', opts.input_size, opts.hidden_size, opts);
  }

  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx, null);
    return [out, h];
  }
}
