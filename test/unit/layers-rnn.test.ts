// nn.RNN / nn.LSTM / nn.GRU against a plain float64 reference written from PyTorch's documented equations,
// gradients by central differences (inputs, parameters and initial states), parameter names and init, shapes
// (batch_first, unbatched, initial state), dropout between layers, graph size, reprs and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manual_seed, nn, type Tensor } from '../../engine/index';
import { assertAllClose, assertGradcheck, rnd } from './layers-helpers';

type Kind = 'tanh' | 'relu' | 'LSTM' | 'GRU';
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** W[r] · v (W row-major [rows, v.length]). */
function mv(w: Float32Array, row: number, v: number[]): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += w[row * v.length + k] * v[k];
  return s;
}

/** The documented equations, one sample, one layer at a time; x is [T][features]. Returns outputs and h/c per layer. */
function reference(kind: Kind, m: nn.Module<unknown[], unknown>, layers: number, H: number, x: number[][], h0?: number[][], c0?: number[][]) {
  const p = Object.fromEntries(m.named_parameters().map(([n, t]) => [n, t.data]));
  const zero = new Float32Array(4 * H);
  let seq = x;
  const hn: number[][] = [];
  const cn: number[][] = [];
  for (let l = 0; l < layers; l++) {
    const [wi, wh] = [p[`weight_ih_l${l}`], p[`weight_hh_l${l}`]];
    const [bi, bh] = [p[`bias_ih_l${l}`] ?? zero, p[`bias_hh_l${l}`] ?? zero];
    let h = h0 ? h0[l].slice() : new Array<number>(H).fill(0);
    let c = c0 ? c0[l].slice() : new Array<number>(H).fill(0);
    const out: number[][] = [];
    for (const xt of seq) {
      const gi = (g: number, j: number): number => mv(wi, g * H + j, xt) + bi[g * H + j];
      const gh = (g: number, j: number): number => mv(wh, g * H + j, h) + bh[g * H + j];
      const nh: number[] = [];
      const nc: number[] = [];
      for (let j = 0; j < H; j++) {
        if (kind === 'LSTM') {
          const i = sig(gi(0, j) + gh(0, j));
          const f = sig(gi(1, j) + gh(1, j));
          const g = Math.tanh(gi(2, j) + gh(2, j));
          const o = sig(gi(3, j) + gh(3, j));
          nc.push(f * c[j] + i * g);
          nh.push(o * Math.tanh(nc[j]));
        } else if (kind === 'GRU') {
          const r = sig(gi(0, j) + gh(0, j));
          const z = sig(gi(1, j) + gh(1, j));
          const n = Math.tanh(gi(2, j) + r * gh(2, j));
          nh.push((1 - z) * n + z * h[j]);
        } else {
          const a = gi(0, j) + gh(0, j);
          nh.push(kind === 'tanh' ? Math.tanh(a) : Math.max(a, 0));
        }
      }
      h = nh;
      if (kind === 'LSTM') c = nc;
      out.push(h);
    }
    hn.push(h);
    cn.push(c);
    seq = out;
  }
  return { out: seq, hn, cn };
}

function build(kind: Kind, I: number, H: number, opts: nn.RNNOptions): nn.Module<unknown[], unknown> {
  const m = kind === 'LSTM' ? new nn.LSTM(I, H, opts) : kind === 'GRU' ? new nn.GRU(I, H, opts) : new nn.RNN(I, H, { ...opts, nonlinearity: kind });
  return m as unknown as nn.Module<unknown[], unknown>;
}

const call = (m: nn.Module<unknown[], unknown>, ...args: unknown[]) => (m as unknown as (...a: unknown[]) => unknown)(...args);
/** [output, h_n] or [output, [h_n, c_n]] flattened. */
const flat = (r: unknown): Tensor[] => (Array.isArray(r) ? r.flatMap(flat) : [r as Tensor]);

const KINDS: Kind[] = ['tanh', 'relu', 'LSTM', 'GRU'];

for (const kind of KINDS) {
  test(`${kind}: two layers match the float64 reference (time-major, with and without initial state)`, () => {
    manual_seed(1);
    const [T, B, I, H, L] = [4, 3, 2, 3, 2];
    const m = build(kind, I, H, { num_layers: L });
    const x = rnd([T, B, I], 7);
    const h0 = rnd([L, B, H], 8);
    const c0 = rnd([L, B, H], 9);
    const state = kind === 'LSTM' ? [h0, c0] : h0;
    for (const withState of [false, true]) {
      const [out, hn, cn] = flat(withState ? call(m, x, state) : call(m, x));
      assert.deepEqual(out.shape, [T, B, H]);
      assert.deepEqual(hn.shape, [L, B, H]);
      if (kind === 'LSTM') assert.deepEqual(cn.shape, [L, B, H]);
      for (let b = 0; b < B; b++) {
        const xs = Array.from({ length: T }, (_, t) => Array.from(x.data.subarray((t * B + b) * I, (t * B + b + 1) * I)));
        const pick = (s: Tensor) => Array.from({ length: L }, (_, l) => Array.from(s.data.subarray((l * B + b) * H, (l * B + b + 1) * H)));
        const ref = reference(kind, m, L, H, xs, withState ? pick(h0) : undefined, withState ? pick(c0) : undefined);
        for (let t = 0; t < T; t++) assertAllClose(out.data.subarray((t * B + b) * H, (t * B + b + 1) * H), ref.out[t], 1e-5, `output t=${t} b=${b}`);
        for (let l = 0; l < L; l++) {
          assertAllClose(hn.data.subarray((l * B + b) * H, (l * B + b + 1) * H), ref.hn[l], 1e-5, `h_n l=${l}`);
          if (kind === 'LSTM') assertAllClose(cn.data.subarray((l * B + b) * H, (l * B + b + 1) * H), ref.cn[l], 1e-5, `c_n l=${l}`);
        }
      }
    }
  });

  test(`${kind}: gradients of input, parameters and initial state match central differences`, () => {
    manual_seed(2);
    const m = build(kind, 3, 2, { num_layers: 2 });
    // relu's kink: keep pre-activations away from 0 by using a positive input and positive weights.
    if (kind === 'relu') for (const p of m.parameters()) p.copy_(p.data.map((v) => Math.abs(v) + 0.05));
    const x = rnd([3, 2, 3], 12, true);
    const h0 = rnd([2, 2, 2], 13, true);
    const c0 = rnd([2, 2, 2], 14, true);
    if (kind === 'relu') for (const t of [x, h0]) t.copy_(t.data.map((v) => Math.abs(v) + 0.05));
    const state = kind === 'LSTM' ? [h0, c0] : h0;
    const wrt = kind === 'LSTM' ? [x, h0, c0] : [x, h0];
    assertGradcheck(kind, () => flat(call(m, x, state)), [...wrt, ...m.parameters()]);
  });
}

test('batch_first and no bias: output [N, T, H], h_n still [num_layers, N, H]; gradients check', () => {
  const lstm = new nn.LSTM(3, 4, { batch_first: true, bias: false });
  assert.deepEqual(lstm.named_parameters().map(([n]) => n), ['weight_ih_l0', 'weight_hh_l0']);
  const x = rnd([2, 5, 3], 3, true);
  const [out, [h, c]] = lstm(x);
  assert.deepEqual([out.shape, h.shape, c.shape], [[2, 5, 4], [1, 2, 4], [1, 2, 4]]);
  // Sample 1's last output is its final hidden state.
  assertAllClose(out.data.subarray((1 * 5 + 4) * 4, (1 * 5 + 5) * 4), h.data.subarray(4, 8), 0);
  assertGradcheck('lstm_batch_first', () => flat(lstm(x)), [x, ...lstm.parameters()]);
  const gru = new nn.GRU(3, 2, { batch_first: true });
  assertGradcheck('gru_batch_first', () => flat(gru(x)), [x, ...gru.parameters()]);
});

test('unbatched input [T, features] gives output [T, H] and h_n [num_layers, H]', () => {
  const gru = new nn.GRU(3, 4, { num_layers: 2 });
  const x = rnd([5, 3], 4);
  const [out, h] = gru(x);
  assert.deepEqual([out.shape, h.shape], [[5, 4], [2, 4]]);
  const [outB] = gru(x.reshape(5, 1, 3));
  assertAllClose(out.data, outB.data, 0);
});

test('parameters: PyTorch names, shapes, order and U(-1/sqrt(H), 1/sqrt(H)) init', () => {
  const lstm = new nn.LSTM(3, 5, { num_layers: 2 });
  assert.deepEqual(
    lstm.named_parameters().map(([n, p]) => `${n}:${p.shape.join('x')}`),
    ['weight_ih_l0:20x3', 'weight_hh_l0:20x5', 'bias_ih_l0:20', 'bias_hh_l0:20', 'weight_ih_l1:20x5', 'weight_hh_l1:20x5', 'bias_ih_l1:20', 'bias_hh_l1:20'],
  );
  const k = 1 / Math.sqrt(5);
  let max = 0;
  for (const p of lstm.parameters()) for (const v of p.data) max = Math.max(max, Math.abs(v));
  assert.ok(max <= k && max > 0.9 * k, `max |w| ${max}, bound ${k}`);
  assert.deepEqual(new nn.GRU(2, 3).weight_hh_l0.shape, [9, 3]);
  assert.deepEqual(new nn.RNN(2, 3).weight_ih_l0.shape, [3, 2]);
});

test('dropout acts between layers in training only', () => {
  manual_seed(5);
  const rnn = new nn.RNN(2, 8, { num_layers: 2, dropout: 0.5 });
  const x = rnd([3, 2, 2], 6);
  rnn.eval();
  const [a] = rnn(x);
  const [b] = rnn(x);
  assertAllClose(a.data, b.data, 0);
  rnn.train();
  const [c] = rnn(x);
  assert.ok(c.data.some((v, i) => Math.abs(v - a.data[i]) > 1e-6), 'training output should differ under dropout');
  // One layer: nothing follows, so no dropout.
  const one = new nn.RNN(2, 8, { dropout: 0.5 });
  const [d] = one(x);
  one.eval();
  assertAllClose(one(x)[0].data, d.data, 0);
});

test('the graph has a constant number of nodes per layer, whatever the sequence length', () => {
  const count = (t: Tensor): number => {
    const seen = new Set<Tensor>();
    const stack = [t];
    while (stack.length) {
      const n = stack.pop() as Tensor;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const i of n._node?.inputs ?? []) stack.push(i);
    }
    return seen.size;
  };
  const lstm = new nn.LSTM(4, 8, { num_layers: 2 });
  const short = count(lstm(rnd([3, 2, 4], 1, true))[0]);
  const long = count(lstm(rnd([60, 2, 4], 1, true))[0]);
  assert.equal(short, long);
  assert.ok(long < 30, `${long} nodes`);
});

test('extra_repr and displayName', () => {
  assert.equal(new nn.LSTM(3, 5).displayName(), 'LSTM(3, 5)');
  assert.equal(new nn.GRU(3, 5, { num_layers: 2, batch_first: true, dropout: 0.2 }).extra_repr(), '3, 5, num_layers=2, batch_first=True, dropout=0.2');
  assert.equal(new nn.RNN(3, 5, { nonlinearity: 'relu', bias: false }).extra_repr(), "3, 5, nonlinearity='relu', bias=False");
});

test('errors: feature size, rank, initial state shape, bidirectional', () => {
  const lstm = new nn.LSTM(3, 5, { num_layers: 2 });
  assert.throws(() => lstm(rnd([4, 2, 4])), /LSTM\(3, 5, num_layers=2\).*input has 4 features, input_size is 3: expected \[T, N, 3\], got \[4, 2, 4\]/);
  assert.throws(() => lstm(rnd([4, 2, 3, 1])), /input must be 3-D/);
  assert.throws(() => lstm(rnd([4, 2, 3]), [rnd([1, 2, 5]), rnd([2, 2, 5])]), /h_0 .*expected \[2, 2, 5\], got \[1, 2, 5\]/);
  assert.throws(() => new nn.GRU(3, 5, { batch_first: true })(rnd([2, 4, 6])), /expected \[N, T, 3\], got \[2, 4, 6\]/);
  assert.throws(() => new nn.GRU(3, 5, { bidirectional: true }), /bidirectional=true is not supported/);
  assert.throws(() => new nn.RNN(3, 5, { nonlinearity: 'sigmoid' as 'tanh' }), /nn.RNN\(\): argument 'nonlinearity' must be one of 'tanh', 'relu', got 'sigmoid'/);
});
