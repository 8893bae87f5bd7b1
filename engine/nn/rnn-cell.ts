// nn.LSTMCell and nn.GRUCell: one recurrent step, for loops the user writes over time. PyTorch's arguments,
// parameter names (weight_ih, weight_hh, bias_ih, bias_hh), gate order (LSTM i, f, g, o; GRU r, z, n) and
// initialisation U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). Built from ops, so autograd gives the gradients.
import { full } from '../creation';
import { ShapeError, shapeStr } from '../errors';
import { add, mul, sub } from '../ops/binary';
import { linear } from '../ops/matmul';
import { narrow, reshape } from '../ops/shape';
import { sigmoid, tanh } from '../ops/unary';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { P, deviceParam, dtypeParam, signature } from '../signature';

const cellSpec = { input_size: P.int.req(), hidden_size: P.int.req(), bias: P.bool.opt(), device: deviceParam, dtype: dtypeParam };
const lstmCellArgs = signature('nn.LSTMCell', cellSpec);
const gruCellArgs = signature('nn.GRUCell', cellSpec);
type CellOptions = { bias?: boolean };

abstract class CellBase<A extends unknown[], R> extends Module<A, R> {
  readonly input_size: number;
  readonly hidden_size: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(gates: number, a: { input_size: number; hidden_size: number; bias?: boolean }) {
    super();
    for (const [name, v] of [['input_size', a.input_size], ['hidden_size', a.hidden_size]] as const) {
      if (v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
    }
    this.input_size = a.input_size;
    this.hidden_size = a.hidden_size;
    const gh = gates * a.hidden_size;
    this.weight_ih = new Parameter(full([gh, a.input_size], 0));
    this.weight_hh = new Parameter(full([gh, a.hidden_size], 0));
    this.bias_ih = a.bias === false ? null : new Parameter(full([gh], 0));
    this.bias_hh = a.bias === false ? null : new Parameter(full([gh], 0));
    const bound = 1 / Math.sqrt(a.hidden_size);
    for (const [, p] of this.named_own_parameters()) p.uniform_(-bound, bound);
  }

  override extra_repr(): string {
    return `${this.input_size}, ${this.hidden_size}${this.bias_ih ? '' : ', bias=False'}`;
  }

  /** Input as [N, input_size] (an unbatched [input_size] becomes [1, input_size]); whether it was unbatched. */
  protected batched(input: Tensor): [Tensor, boolean] {
    const r = input.shape.length;
    if ((r !== 1 && r !== 2) || input.shape[r - 1] !== this.input_size) {
      throw new ShapeError(this.typeName, 'input must be [N, input_size] or [input_size]', `[N, ${this.input_size}]`, shapeStr(input.shape));
    }
    return r === 1 ? [reshape(input, [1, this.input_size], this.typeName), true] : [input, false];
  }

  protected state(h: Tensor | null | undefined, n: number, unbatched: boolean, what: string): Tensor {
    if (!h) return full([n, this.hidden_size], 0);
    const expected = unbatched ? [this.hidden_size] : [n, this.hidden_size];
    if (h.shape.length !== expected.length || h.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(this.typeName, `${what} has the wrong shape`, shapeStr(expected), shapeStr(h.shape));
    }
    return unbatched ? reshape(h, [1, this.hidden_size], this.typeName) : h;
  }

  protected gate(t: Tensor, k: number): Tensor {
    return narrow(t, 1, k * this.hidden_size, this.hidden_size);
  }

  protected unbatch(t: Tensor, unbatched: boolean): Tensor {
    return unbatched ? reshape(t, [this.hidden_size], this.typeName) : t;
  }
}

/** One LSTM step: returns [h_1, c_1] from input [N, input_size] and hx = [h_0, c_0] (zeros when omitted). */
export class LSTMCell extends CellBase<[input: Tensor, hx?: readonly [Tensor, Tensor] | null], [Tensor, Tensor]> {
  constructor(input_size: number, hidden_size: number, opts?: CellOptions);
  constructor(input_size: number, hidden_size: number, bias?: boolean, opts?: CellOptions);
  constructor(...args: unknown[]) {
    super(4, lstmCellArgs(args));
  }

  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTMCell: the state must be a pair [h_0, c_0]');
    const [x, unbatched] = this.batched(input);
    const n = x.shape[0];
    const h = this.state(hx?.[0], n, unbatched, 'h_0');
    const c = this.state(hx?.[1], n, unbatched, 'c_0');
    const gates = add(linear(x, this.weight_ih, this.bias_ih), linear(h, this.weight_hh, this.bias_hh));
    const i = sigmoid(this.gate(gates, 0));
    const f = sigmoid(this.gate(gates, 1));
    const g = tanh(this.gate(gates, 2));
    const o = sigmoid(this.gate(gates, 3));
    const c1 = add(mul(f, c), mul(i, g));
    const h1 = mul(o, tanh(c1));
    return [this.unbatch(h1, unbatched), this.unbatch(c1, unbatched)];
  }
}

/** One GRU step: returns h_1 from input [N, input_size] and h_0 (zeros when omitted). */
export class GRUCell extends CellBase<[input: Tensor, hx?: Tensor | null], Tensor> {
  constructor(input_size: number, hidden_size: number, opts?: CellOptions);
  constructor(input_size: number, hidden_size: number, bias?: boolean, opts?: CellOptions);
  constructor(...args: unknown[]) {
    super(3, gruCellArgs(args));
  }

  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.state(hx, x.shape[0], unbatched, 'h_0');
    const gi = linear(x, this.weight_ih, this.bias_ih);
    const gh = linear(h, this.weight_hh, this.bias_hh);
    const r = sigmoid(add(this.gate(gi, 0), this.gate(gh, 0)));
    const z = sigmoid(add(this.gate(gi, 1), this.gate(gh, 1)));
    const nn = tanh(add(this.gate(gi, 2), mul(r, this.gate(gh, 2))));
    // h' = (1 - z) * n + z * h = n + z * (h - n)
    const h1 = add(nn, mul(z, sub(h, nn)));
    return this.unbatch(h1, unbatched);
  }
}
