// LstmSequence and LstmSequenceGrad on the wasm heap, one kernel call each for a whole LSTM layer.
// The forward keeps the states in the heap for the whole sequence: each step's hidden projection b_hh + h·W_hhᵀ
// (the GEMM on heap addresses) and cell loop run where the step before left h and c, and hs and cs are copied out
// once at the end; x_t comes in and the gates go out next to their step, through step-sized blocks that stay in
// cache (the backward reads the saved gates the same way). The per-step kernels (lstmSequenceOf) copied h in and
// the projection out for every MatMul, and the projection, x_t and c in and the gates and states out for every
// LstmCell: ~0.6 MB each way per step of the bench's LSTM(28, 128) at batch 64. The backward through time
// likewise: the gate gradients, dh and dc stay in the heap from the last step to the first, and W_hh's and b_hh's
// gradients are computed from the gate gradients where they lie (MatMul and BiasGrad copied all T steps of them in
// again). Every step runs the same cell loops and GEMM driver as the per-step kernels (and dW_hh, db_hh as MatMul
// and BiasGrad compute them), so the results are bit-identical to theirs; shapes the fused paths do not take run
// them. Both scan their outputs for NaN/Inf in the heap and mark them finite (engine/finite.ts), sparing the
// autograd its JavaScript scan.
//
// The fused forward was first built in 0d56d6a and withdrawn: with it V8 ran a mark-compact every ~150-300 ms
// instead of once in 5 s (10-17 in 4-5 s, whatever the outputs' allocation: fresh, zeroed, one array with three
// views, or allocated before the loop), so its CPU time per step was worse; --no-allocation-site-pretenuring, a
// larger young generation, or ~3.6 MB of arrays per forward that die young (what the per-step path's 28 MatMul
// results are) each brought it back to one or two. Since the backward's results go to the pass arena (6709f6c)
// instead of young arrays, the fused forward runs one mark-compact in 5 s like the per-step path (2026-12-07;
// figures in its commit message).
import type { KernelMap, LstmSequenceAttrs, LstmSequenceGradAttrs, LstmSequenceGradInputs, LstmSequenceGradOut, LstmSequenceOut } from '../../kernels/kernel-map';
import { markFinite } from '../../finite';
import { BIAS_GRAD_SMALL, columnSums } from './bias-grad';
import { lstmSequenceGradOf, lstmSequenceOf } from '../../kernels/lstm-sequence';
import { gemm, padCols, padRows } from './gemm';
import { uninitializedFloat32 } from './heap';
import type { Call } from './threads';
import { backwardSplit, batchParts, forwardSplit } from './lstm-sequence-split';
import { cellCall, cellGradCall } from './lstm-step-calls';
import type { WasmRuntime } from './runtime';

/** Cells per step from which the cell loops split their rows over two threads (as the LstmCell kernels do). */
const SPLIT_MIN = 8192;

/**
 * Whether the fused path takes this shape: H a multiple of 8 (so a GEMM's padded output rows are the cell's
 * contiguous rows), enough cells for the vector cell loops and enough work for the wasm GEMM (MatMul and the
 * LstmCell kernels run their reference loops below those sizes).
 */
const fusable = (B: number, H: number): boolean => H % 8 === 0 && B * H >= 256 && B * 4 * H * H >= 16 * 16 * 16;

/** Multiply-adds of the recurrent GEMMs from which the recurrence splits the batch over two threads (~50 us). */
const SPLIT_SEQUENCE_MIN = 1 << 20;

/**
 * Gate values [T, B, 4H] up to which the split paths hold every step's input projections and gates in the heap at
 * once (64 MB each); a longer sequence runs step by step, through step-sized blocks, rather than press the heap
 * towards wasm's 2 GiB.
 */
const SPLIT_SEQUENCE_MAX_GATES = 1 << 24;

/** The batch's row ranges that two threads run the whole sequence on, or null to run it step by step here. */
const splitRows = (rt: WasmRuntime, T: number, B: number, H: number): Array<[number, number]> | null =>
  T * B * 4 * H * H >= SPLIT_SEQUENCE_MIN && T * B * 4 * H <= SPLIT_SEQUENCE_MAX_GATES ? batchParts(rt, B) : null;

/**
 * The helper's spin budget while the split paths copy their inputs into the heap (~0.2-0.5 ms for the bench's
 * 3.7 MB of input projections or saved gates): a wake-up from sleep costs about as much again on this VM.
 */
const PREWAKE_SPINS = 200_000;

type StepKernels = Pick<KernelMap, 'MatMul' | 'BiasGrad' | 'LstmCell' | 'LstmCellGrad'>;

export function makeLstmSequence(rt: WasmRuntime, steps: StepKernels): KernelMap['LstmSequence'] {
  const cellFn = rt.fn('lstmCell');
  const perStep = lstmSequenceOf(steps);
  return function lstmSequence(xp, wHh, bHh, h0, c0, at: LstmSequenceAttrs): LstmSequenceOut {
    const { steps: T, batch: B, hidden: H } = at;
    const G = 4 * H, BH = B * H;
    if (!fusable(B, H) || T === 0 || xp.length < T * B * G || wHh.length < G * H || h0.length < BH || c0.length < BH) {
      return perStep(xp, wHh, bHh, h0, c0, at);
    }
    const heap = rt.heap;
    heap.reset();
    const rows = splitRows(rt, T, B, H);
    if (rows) rt.prewake(PREWAKE_SPINS);
    const w = heap.use(wHh.subarray(0, G * H));
    const hs = heap.alloc((T + 1) * BH);
    const cs = heap.alloc((T + 1) * BH);
    // Fresh arrays, never the pass arena: the layer keeps these for its backward, past any pass running now.
    const gatesOut = uninitializedFloat32(T * B * G);
    // The projection's rows are padded to the register tile's height (G is a multiple of 8, so ldc = G).
    const hp = heap.alloc(padRows(rt, B) * padCols(G));
    heap.f32.set(h0.subarray(0, BH), hs >> 2);
    heap.f32.set(c0.subarray(0, BH), cs >> 2);
    // b_hh zero-padded to whole column tiles, for the recurrent GEMM to add (gemm's Output.bias).
    const bias = bHh ? heap.use(bHh.subarray(0, G), padCols(G)) : undefined;
    if (rows) {
      // Two threads, each running the whole sequence for its rows of the batch: every step's x_t and gates are in
      // the heap at once.
      const gates = heap.alloc(T * B * G);
      forwardSplit(rt, T, B, H, { x: heap.use(xp.subarray(0, T * B * G)), w, bias, hs, cs, gates, hp }, rows);
      heap.copyOut(gates, T * B * G, gatesOut);
    } else stepByStep(T, B, H, { xp, w, bias, hs, cs, hp, gatesOut });
    // The states are scanned for the layer's output (see recurrentLayer); the gates never reach the autograd, so
    // their 3.7 MB on the bench LSTM are not.
    const states = (addr: number): Float32Array => {
      const a = heap.copyOut(addr, (T + 1) * BH, uninitializedFloat32((T + 1) * BH));
      return rt.finiteRegion(addr, (T + 1) * B, H, H) ? markFinite(a) : a;
    };
    return { hs: states(hs), cs: states(cs), gates: gatesOut };
  };

  /** The one-thread recurrence: x_t copied in and the gates out next to the step that uses them. */
  function stepByStep(T: number, B: number, H: number, at: { xp: Float32Array; w: number; bias: number | undefined; hs: number; cs: number; hp: number; gatesOut: Float32Array }): void {
    const G = 4 * H, BH = B * H;
    const heap = rt.heap;
    const { xp, w, bias, hs, cs, hp, gatesOut } = at;
    // Through one step-sized block each, which stays in cache, rather than all T steps at once (the cell loop then
    // read and wrote 3.7 MB blocks out of cache: the call took 12.8-13.3 ms instead of 10.5-11.0 on the bench's shape).
    const xResident = heap.addressOf(xp);
    const xStep = xResident >= 0 ? -1 : heap.alloc(B * G);
    const gates = heap.alloc(B * G);
    const halves = rt.halves(B, BH, SPLIT_MIN);
    for (let t = 0; t < T; t++) {
      // hp = b_hh + h_t·W_hhᵀ, as MatMul computes it.
      gemm(rt, B, G, H, { addr: hs + t * BH * 4, s0: H, s1: 1 }, { addr: w, s0: 1, s1: H }, { addr: hp, ldc: G, bias });
      if (xStep >= 0) heap.f32.set(xp.subarray(t * B * G, (t + 1) * B * G), xStep >> 2);
      const x = xStep >= 0 ? xStep : xResident + t * B * G * 4;
      rt.runParts(halves.map((rows): Call[] => [cellCall(cellFn, B, H, t, rows, { x, hp, gates, hs, cs })]));
      heap.copyOut(gates, B * G, gatesOut.subarray(t * B * G, (t + 1) * B * G));
    }
  }
}

export function makeLstmSequenceGrad(rt: WasmRuntime, steps: StepKernels): KernelMap['LstmSequenceGrad'] {
  const gradFn = rt.fn('lstmCellGrad');
  const perStep = lstmSequenceGradOf(steps);
  return function lstmSequenceGrad(inputs: LstmSequenceGradInputs, at: LstmSequenceGradAttrs): LstmSequenceGradOut {
    const { steps: T, batch: B, hidden: H } = at;
    const G = 4 * H, BH = B * H;
    const { gOut, wHh, hs, cs, gates } = inputs;
    const short = gOut.length < (T + 1) * BH || wHh.length < G * H || hs.length < (T + 1) * BH || cs.length < (T + 1) * BH || gates.length < T * B * G;
    if (!fusable(B, H) || T === 0 || short) return perStep(inputs, at);
    const heap = rt.heap;
    heap.reset();
    const rows = splitRows(rt, T, B, H);
    if (rows) rt.prewake(PREWAKE_SPINS);
    const g = heap.use(gOut.subarray(0, (T + 1) * BH));
    const w = heap.use(wHh.subarray(0, G * H));
    const c = heap.use(cs.subarray(0, (T + 1) * BH));
    // In the pass arena while autograd runs this backward (handed out where it lies, no copy), else in scratch.
    const dGates = heap.result(T * B * G);
    // dh: the recurrent gradient, zero before the last step; then each step's GEMM output (rows padded).
    const dh = heap.zeros(padRows(rt, B) * H);
    // dc ping-pongs between two buffers: a step reads dL/dc_t from one and writes dL/dc_{t-1} into the other.
    const dcs: [number, number] = [heap.alloc(BH), heap.alloc(BH)];
    heap.f32.set(gOut.subarray(T * BH, (T + 1) * BH), dcs[0] >> 2);
    const cur = rows
      ? backwardSplit(rt, T, B, H, { g, w, cs: c, gates: heap.use(gates.subarray(0, T * B * G)), dGates, dh, dcs }, rows)
      : stepByStep(T, B, H, { g, w, c, gates, dGates, dh, dcs });
    // W_hh's and b_hh's gradients from the gate gradients still in the heap (BiasGrad and MatMul would copy all T
    // steps of them in again, 3.7 MB each for the bench's LSTM), computed as those kernels compute them.
    let dWhh: Float32Array | null = null;
    if (at.weightGrad) {
      // dW_hh [4H, H] = dGatesᵀ [4H, T*B] · h_prev [T*B, H]: MatMul's transposed-A operand and unpadded C (H % 8 = 0).
      const h = heap.use(hs.subarray(0, T * BH));
      const dW = heap.alloc(padRows(rt, G) * H);
      gemm(rt, G, H, T * B, { addr: dGates, s0: 1, s1: G }, { addr: h, s0: H, s1: 1 }, { addr: dW, ldc: H });
      dWhh = heap.copyOut(dW, G * H);
      if (rt.finiteRegion(dW, G, H, H)) markFinite(dWhh);
    }
    // The outputs are scanned for NaN/Inf here, with SIMD while they are in the heap, and marked finite, so the
    // autograd's JavaScript scan skips them (for dGates, 917k floats on the bench LSTM, that scan was most of
    // backward()'s own time).
    const out = (addr: number, rows: number, cols: number): Float32Array => {
      const a = heap.deliver(addr, rows * cols);
      return rt.finiteRegion(addr, rows, cols, cols) ? markFinite(a) : a;
    };
    const dG = out(dGates, T * B, G);
    // BiasGrad runs its reference loop on small inputs: so does this, for the same bits.
    const dBhh = !at.biasGrad ? null : T * B * G < BIAS_GRAD_SMALL ? steps.BiasGrad(dG, { outer: T * B, channels: G, inner: 1 }) : columnSums(rt, dGates, T * B, G);
    return { dGates: dG, dh0: out(dh, B, H), dc0: out(dcs[cur], B, H), dWhh, dBhh };
  };

  /** The one-thread backward through time; returns which dc buffer holds dL/dc_0. */
  function stepByStep(T: number, B: number, H: number, at: { g: number; w: number; c: number; gates: Float32Array; dGates: number; dh: number; dcs: [number, number] }): number {
    const G = 4 * H, BH = B * H;
    const heap = rt.heap;
    const { g, w, c, gates, dGates, dh, dcs } = at;
    // Each step's saved gates are copied in next to that step, through one step-sized block (as the forward's input
    // projections), unless they are resident.
    const actsResident = heap.addressOf(gates);
    const actsStep = actsResident >= 0 ? -1 : heap.alloc(B * G);
    const halves = rt.halves(B, BH, SPLIT_MIN);
    let cur = 0;
    for (let t = T - 1; t >= 0; t--) {
      const dcIn = dcs[cur], dcPrev = dcs[1 - cur];
      if (actsStep >= 0) heap.f32.set(gates.subarray(t * B * G, (t + 1) * B * G), actsStep >> 2);
      const acts = actsStep >= 0 ? actsStep : actsResident + t * B * G * 4;
      const step = { g, dh, dcIn, dcPrev, gates: acts, cs: c, dGates: dGates + t * B * G * 4 };
      rt.runParts(halves.map((rows): Call[] => [cellGradCall(gradFn, B, H, t, rows, step)]));
      cur = 1 - cur;
      // dh_{t-1} = dGates_t · W_hh ([B, 4H] x [4H, H]), as MatMul computes it.
      gemm(rt, B, H, G, { addr: dGates + t * B * G * 4, s0: G, s1: 1 }, { addr: w, s0: H, s1: 1 }, { addr: dh, ldc: H });
    }
    return cur;
  }
}
