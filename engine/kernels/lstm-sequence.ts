// LstmSequence and LstmSequenceGrad composed of a backend's own per-step kernels (MatMul, LstmCell, LstmCellGrad):
// what the cpu reference and gpu.js run, and what the wasm backend falls back to for shapes its fused kernel does
// not take. The loop is the one nn.LSTM ran before the sequence kernels existed, call for call, so a backend's
// results did not change when the layer moved onto them.
import type { KernelMap, LstmSequenceAttrs, LstmSequenceGradAttrs, LstmSequenceGradInputs, LstmSequenceGradOut, LstmSequenceOut } from './kernel-map';

type StepKernels = Pick<KernelMap, 'MatMul' | 'BiasGrad' | 'LstmCell' | 'LstmCellGrad'>;

/** Throws naming the kernel and the array when an input is shorter than the attributes say. */
function checkLength(what: string, name: string, a: Float32Array, expected: number): void {
  if (a.length < expected) throw new Error(`${what}: ${name} has ${a.length} elements, expected ${expected}.`);
}

export function lstmSequenceOf(k: StepKernels): KernelMap['LstmSequence'] {
  return function lstmSequence(xp, wHh, bHh, h0, c0, at: LstmSequenceAttrs): LstmSequenceOut {
    const { steps: T, batch: B, hidden: H } = at;
    const G = 4 * H, BH = B * H;
    checkLength('LstmSequence', 'xp', xp, T * B * G);
    checkLength('LstmSequence', 'W_hh', wHh, G * H);
    checkLength('LstmSequence', 'h0', h0, BH);
    checkLength('LstmSequence', 'c0', c0, BH);
    const hs = new Float32Array((T + 1) * BH);
    const cs = new Float32Array((T + 1) * BH);
    const gates = new Float32Array(T * B * G);
    hs.set(h0.subarray(0, BH));
    cs.set(c0.subarray(0, BH));
    const cell = { batch: B, hidden: H };
    for (let t = 0; t < T; t++) {
      // b_hh + h·W_hhᵀ: the bias seeds the product, as addmm does.
      const hp = k.MatMul(hs.subarray(t * BH, (t + 1) * BH), wHh, { m: B, k: H, n: G, transA: false, transB: true, ...(bHh ? { bias: bHh } : {}) });
      const into = { gates: gates.subarray(t * B * G, (t + 1) * B * G), c: cs.subarray((t + 1) * BH, (t + 2) * BH), h: hs.subarray((t + 1) * BH, (t + 2) * BH) };
      k.LstmCell(xp.subarray(t * B * G, (t + 1) * B * G), hp, cs.subarray(t * BH, (t + 1) * BH), { ...cell, into });
    }
    return { hs, cs, gates };
  };
}

export function lstmSequenceGradOf(k: StepKernels): KernelMap['LstmSequenceGrad'] {
  return function lstmSequenceGrad(inputs: LstmSequenceGradInputs, at: LstmSequenceGradAttrs): LstmSequenceGradOut {
    const { gOut, wHh, hs, cs, gates } = inputs;
    const { steps: T, batch: B, hidden: H } = at;
    const G = 4 * H, BH = B * H;
    checkLength('LstmSequenceGrad', 'gOut', gOut, (T + 1) * BH);
    checkLength('LstmSequenceGrad', 'W_hh', wHh, G * H);
    checkLength('LstmSequenceGrad', 'hs', hs, (T + 1) * BH);
    checkLength('LstmSequenceGrad', 'cs', cs, (T + 1) * BH);
    checkLength('LstmSequenceGrad', 'gates', gates, T * B * G);
    const dGates = new Float32Array(T * B * G);
    let dh: Float32Array = new Float32Array(BH);
    let dc: Float32Array = gOut.slice(T * BH, (T + 1) * BH);
    const cell = { batch: B, hidden: H };
    for (let t = T - 1; t >= 0; t--) {
      const step = {
        gOut: gOut.subarray(t * BH, (t + 1) * BH),
        dhRec: dh,
        dcIn: dc,
        gates: gates.subarray(t * B * G, (t + 1) * B * G),
        cPrev: cs.subarray(t * BH, (t + 1) * BH),
        c: cs.subarray((t + 1) * BH, (t + 2) * BH),
      };
      const dG = dGates.subarray(t * B * G, (t + 1) * B * G);
      dc = k.LstmCellGrad(step, { ...cell, into: { dGates: dG } }).dcPrev;
      // dh_{t-1} = dGates_t · W_hh ([B, 4H] x [4H, H]).
      dh = k.MatMul(dG, wHh, { m: B, k: G, n: H, transA: false, transB: false });
    }
    // dW_hh [4H, H] = dGatesᵀ [4H, T*B] · h_prev [T*B, H] and db_hh, over all steps at once.
    const dWhh = at.weightGrad ? k.MatMul(dGates, hs.subarray(0, T * BH), { m: G, k: T * B, n: H, transA: true, transB: false }) : null;
    const dBhh = at.biasGrad ? k.BiasGrad(dGates, { outer: T * B, channels: G, inner: 1 }) : null;
    return { dGates, dh0: dh, dc0: dc, dWhh, dBhh };
  };
}
