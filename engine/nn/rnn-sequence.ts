// One recurrent layer over a whole sequence as a single autograd node. The input projection x·W_ihᵀ + b_ih of
// every step arrives precomputed (one big matmul, outside). The LSTM's recurrence, forward and backward, is one
// kernel call each (LstmSequence, LstmSequenceGrad: per step h·W_hhᵀ and the cell). For the others each step costs
// one MatMul kernel call for h·W_hhᵀ plus the fused gate arithmetic (GRU: GruCell; plain RNN: the Activation
// kernel's tanh, or a relu loop here), and the backward pass is hand-written backpropagation through time (the gate
// gradients: GruCellGrad, the plain RNN's a loop here): one kernel call per step for dh. Then a single matmul over
// all steps for dW_hh. One node per layer instead of ~10 per step keeps the graph small and avoids
// per-step slices whose gradients would each span the sequence.
// Gate layout is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n) with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
import { makeOp } from '../autograd';
import { forgetFinite, knownFinite, markFinite } from '../finite';
import { runKernel } from '../kernels/registry';
import type { Tensor } from '../tensor';

export type CellKind = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

export const GATES: Record<CellKind, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** b_hh + h · W_hhᵀ for one step ([B, H] x [GH, H]ᵀ -> [B, GH]): the bias seeds the product, as addmm does. */
function hiddenProjection(h: Float32Array, w: Float32Array, bias: Float32Array | null, b: number, hid: number, gh: number): Float32Array {
  return runKernel('MatMul', h, w, { m: b, k: hid, n: gh, transA: false, transB: true, ...(bias ? { bias } : {}) });
}

/**
 * Runs one layer: xp [T*B, G*H] (input projections, time-major), w_hh [G*H, H], b_hh [G*H] or null, h0 [B, H],
 * c0 [B, H] (LSTM only). Returns [T, B, H] hidden states; for LSTM [T+1, B, H] whose last row is c_T.
 */
export function recurrentLayer(kind: CellKind, xp: Tensor, w_hh: Tensor, b_hh: Tensor | null, h0: Tensor, c0: Tensor | null, steps: number, batch: number, hidden: number): Tensor {
  const T = steps, B = batch, H = hidden;
  const G = GATES[kind];
  const GH = G * H;
  const BH = B * H;
  const x = xp.data;
  const w = w_hh.data;
  const bias = b_hh ? b_hh.data : null;
  const cell = { batch: B, hidden: H };
  // The LSTM's whole recurrence is one kernel call (LstmSequence), so a backend can keep the states in its own
  // memory across steps; it returns h and c with h0 and c0 in slot 0, and the saved gates.
  const lstm = kind === 'LSTM' ? runKernel('LstmSequence', x, w, bias, h0.data, c0 ? c0.data : new Float32Array(BH), { ...cell, steps: T }) : null;
  // hs holds h_{-1} = h0 at slot 0 and h_t at slot t+1; cs the same for LSTM cells.
  const hs = lstm ? lstm.hs : new Float32Array((T + 1) * BH);
  if (!lstm) hs.set(h0.data);
  const cs = lstm ? lstm.cs : null;
  // Saved activations: LSTM i,f,g,o; GRU r,z,n plus the hidden part of n (W_hn h + b_hn).
  const acts = lstm ? lstm.gates : kind === 'GRU' ? new Float32Array(T * B * GH) : null;
  const hn = kind === 'GRU' ? new Float32Array(T * BH) : null;

  /** Step `t`'s B rows of `width` values in a time-major array. */
  const stepRows = (a: Float32Array, width: number, t: number): Float32Array => a.subarray(t * B * width, (t + 1) * B * width);
  for (let t = 0; t < (lstm ? 0 : T); t++) {
    const hp = hiddenProjection(hs.subarray(t * BH, (t + 1) * BH), w, bias, B, H, GH);
    // The cell kernels write this step's gates and states straight into the saved arrays.
    if (kind === 'GRU') {
      const into = { gates: stepRows(acts as Float32Array, GH, t), h: stepRows(hs, H, t + 1) };
      runKernel('GruCell', stepRows(x, GH, t), hp, stepRows(hs, H, t), { ...cell, into });
      // n's hidden part (W_hn h + b_hn), which its gradient needs.
      for (let b = 0; b < B; b++) (hn as Float32Array).set(hp.subarray(b * GH + 2 * H, (b + 1) * GH), t * BH + b * H);
      continue;
    }
    // Plain RNN (G = 1): the pre-activation x_t + hp, then tanh (the Activation kernel, into h_t's slot) or relu.
    const xt = stepRows(x, GH, t);
    if (kind === 'RNN_TANH') {
      forgetFinite(hp);
      for (let k = 0; k < BH; k++) hp[k] += xt[k];
      runKernel('Activation', hp, { fn: 'tanh', into: stepRows(hs, H, t + 1) });
      continue;
    }
    const cur = (t + 1) * BH;
    for (let k = 0; k < BH; k++) {
      const v = xt[k] + hp[k];
      hs[cur + k] = v > 0 ? v : 0;
    }
  }

  const out = new Float32Array((cs ? T + 1 : T) * BH);
  out.set(hs.subarray(BH));
  if (cs) out.set(cs.subarray(T * BH), T * BH);
  // A kernel that proved every state finite (wasm's LstmSequence) spares the autograd its JavaScript scan of them.
  if (cs && knownFinite(hs) && knownFinite(cs)) markFinite(out);
  const inputs = [xp, w_hh];
  if (b_hh) inputs.push(b_hh);
  inputs.push(h0);
  if (c0) inputs.push(c0);

  return makeOp(kind === 'LSTM' ? 'lstm' : kind === 'GRU' ? 'gru' : 'rnn', inputs, out, [cs ? T + 1 : T, B, H], (gOut) => {
    if (lstm) {
      // Backpropagation through time and W_hh's and b_hh's gradients in one kernel call (LstmSequenceGrad).
      const at = { ...cell, steps: T, weightGrad: w_hh.requires_grad, biasGrad: !!b_hh?.requires_grad };
      const d = runKernel('LstmSequenceGrad', { gOut, wHh: w, hs, cs: lstm.cs, gates: lstm.gates }, at);
      return [d.dGates, d.dWhh, ...(b_hh ? [d.dBhh] : []), d.dh0, d.dc0];
    }
    const dX = new Float32Array(T * B * GH);
    // Gradients of the hidden projection differ from those of the input projection only in GRU's n gate.
    const dHp = kind === 'GRU' ? new Float32Array(T * B * GH) : dX;
    let dh: Float32Array = new Float32Array(BH);
    for (let t = T - 1; t >= 0; t--) {
      // This step's gate gradients land in dX (and, for GRU, dHp); GRU's also pass z * dh straight to h_{t-1}.
      let direct: Float32Array | null = null;
      if (kind === 'GRU') {
        const inputs = { gOut: stepRows(gOut, H, t), dhRec: dh, gates: stepRows(acts as Float32Array, GH, t), hn: stepRows(hn as Float32Array, H, t), hPrev: stepRows(hs, H, t) };
        direct = runKernel('GruCellGrad', inputs, { ...cell, into: { dX: stepRows(dX, GH, t), dHp: stepRows(dHp, GH, t) } }).dhDirect;
      } else {
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < H; j++) {
            const k = t * BH + b * H + j;
            const h = hs[k + BH];
            const dhv = gOut[k] + dh[b * H + j];
            dX[k] = kind === 'RNN_TANH' ? dhv * (1 - h * h) : h > 0 ? dhv : 0;
          }
        }
      }
      // dh_{t-1} = dHp_t · W_hh ([B, GH] x [GH, H]), plus GRU's direct path.
      dh = runKernel('MatMul', stepRows(dHp, GH, t), w, { m: B, k: GH, n: H, transA: false, transB: false });
      if (direct) {
        forgetFinite(dh);
        for (let k = 0; k < BH; k++) dh[k] += direct[k];
      }
    }
    return [dX, ...weightGrads(dHp), dh];
  });

  /** dW_hh [GH, H] = dHpᵀ [GH, T*B] · h_prev [T*B, H] over all steps at once, and db_hh when there is a bias. */
  function weightGrads(dHp: Float32Array): Array<Float32Array | null> {
    const dW = w_hh.requires_grad ? runKernel('MatMul', dHp, hs.subarray(0, T * BH), { m: GH, k: T * B, n: H, transA: true, transB: false }) : null;
    if (!b_hh) return [dW];
    return [dW, b_hh.requires_grad ? runKernel('BiasGrad', dHp, { outer: T * B, channels: GH, inner: 1 }) : null];
  }
}
