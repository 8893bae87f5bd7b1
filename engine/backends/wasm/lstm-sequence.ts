// LstmSequence and LstmSequenceGrad on the wasm heap. The backward through time is one kernel call: the gate
// gradients, dh and dc stay in the heap from the last step to the first, and W_hh's and b_hh's gradients are
// computed from the gate gradients where they lie. The per-step kernels copied each step's six inputs into the heap
// and the gate gradients, dc and dh out of it, then MatMul and BiasGrad copied all T steps' gate gradients in again.
// Each step runs the same cell loop and GEMM driver as the per-step kernels (and dW_hh, db_hh as MatMul and
// BiasGrad compute them), so the results are bit-identical to theirs; shapes the fused path does not take run them.
//
// The forward runs the per-step kernels (lstmSequenceOf). A fused forward, built and measured the same way (states
// in the heap for the whole sequence, hs/cs/gates copied out once), read a 7% lower minimum step on the bench LSTM,
// but with it V8 held 130-180 MB of dead ArrayBuffers (31 MB without) and ran a mark-compact every ~150 ms instead
// of once in 5 s, so its median step and CPU time per step were worse (2026-12-07, docs/benchmarks.md). V8's
// allocation-site pretenuring did it: with --no-allocation-site-pretenuring the fused forward ran one mark-compact
// in 5 s. It belongs with the tensor-lifetime work (issue 26), where the states need not leave the heap at all.
// Retried later the same day (commit 0d56d6a's forward with its outputs marked finite; 1 thread,
// --single-threaded-gc, 4-5 s runs, --trace-gc): 10-17 mark-compacts against 1 for the per-step kernels, whether
// hs/cs/gates were fresh Buffer.allocUnsafeSlow arrays, new Float32Arrays, one array with three views, or allocated
// before the loop. What the per-step path has and the fused one lacks is ~3.6 MB of ArrayBuffers per forward that
// die young (MatMul's 28 hidden-projection results): the fused forward plus one 3.7 MB array allocated and
// dropped per call, or a 128 KB one per step, ran 1-2 mark-compacts in 4 s (a 64-byte one per step: 11). In 4
// pairs against the per-step path it then ran 3-4 in 5 s (per-step: 1), CPU per step 48.5/41.0/41.6/38.5 against
// 46.5/42.7/37.5/38.3 ms: steering V8 with garbage gained nothing measurable and was not kept.
import type { KernelMap, LstmSequenceGradAttrs, LstmSequenceGradInputs, LstmSequenceGradOut } from '../../kernels/kernel-map';
import { markFinite } from '../../finite';
import { BIAS_GRAD_SMALL, columnSums } from './bias-grad';
import { lstmSequenceGradOf } from '../../kernels/lstm-sequence';
import { gemm, padRows } from './gemm';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/** Cells per step from which the cell loop splits its rows over two threads (as the LstmCellGrad kernel does). */
const SPLIT_MIN = 8192;

/**
 * Whether the fused path takes this shape: H a multiple of 8 (so a GEMM's padded output rows are the cell's
 * contiguous rows), enough cells for the vector cell loop and enough work for the wasm GEMM (MatMul and
 * LstmCellGrad run their reference loops below those sizes).
 */
const fusable = (B: number, H: number): boolean => H % 8 === 0 && B * H >= 256 && B * 4 * H * H >= 16 * 16 * 16;

type StepKernels = Pick<KernelMap, 'MatMul' | 'BiasGrad' | 'LstmCell' | 'LstmCellGrad'>;

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
    const g = heap.use(gOut.subarray(0, (T + 1) * BH));
    const w = heap.use(wHh.subarray(0, G * H));
    const c = heap.use(cs.subarray(0, (T + 1) * BH));
    const acts = heap.use(gates.subarray(0, T * B * G));
    // In the pass arena while autograd runs this backward (handed out where it lies, no copy), else in scratch.
    const dGates = heap.result(T * B * G);
    // dh: the recurrent gradient, zero before the last step; then each step's GEMM output (rows padded).
    const dh = heap.zeros(padRows(rt, B) * H);
    // dc ping-pongs between two buffers: a step reads dL/dc_t from one and writes dL/dc_{t-1} into the other.
    const dcs = [heap.alloc(BH), heap.alloc(BH)];
    heap.f32.set(gOut.subarray(T * BH, (T + 1) * BH), dcs[0] >> 2);
    const halves = rt.halves(B, BH, SPLIT_MIN);
    let cur = 0;
    for (let t = T - 1; t >= 0; t--) {
      const dcIn = dcs[cur], dcPrev = dcs[1 - cur];
      // Inputs gOut_t, dhRec, dcIn, gates_t, c_{t-1}, c_t; outputs dGates_t, dc_{t-1}: each at row r0.
      const args = (r0: number): number[] => [
        g + (t * BH + r0 * H) * 4, dh + r0 * H * 4, dcIn + r0 * H * 4, acts + (t * B + r0) * G * 4, c + (t * BH + r0 * H) * 4, c + ((t + 1) * BH + r0 * H) * 4,
        dGates + (t * B + r0) * G * 4, dcPrev + r0 * H * 4,
      ];
      rt.runParts(halves.map(([r0, r1]): Call[] => [[gradFn, [...args(r0), r1 - r0, H]]]));
      cur = 1 - cur;
      // dh_{t-1} = dGates_t · W_hh ([B, 4H] x [4H, H]), as MatMul computes it.
      gemm(rt, B, H, G, { addr: dGates + t * B * G * 4, s0: G, s1: 1 }, { addr: w, s0: H, s1: 1 }, { addr: dh, ldc: H });
    }
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
}
