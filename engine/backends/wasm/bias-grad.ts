// BiasGrad on the wasm heap: float32 vector sums over short spans (a chunk of rows, or one plane), added up in
// float64 here, so the result is as accurate as the reference's float64 loop at a fraction of its cost.
import type { BiasGradAttrs } from '../../kernels/kernel-map';
import { biasGrad as cpuBiasGrad } from '../cpu/bias-grad';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/** Below this many elements the reference loop finishes before the copy into the heap would. */
export const BIAS_GRAD_SMALL = 2048;
/** Rows summed in float32 before the float64 combine: 256 terms keep the float32 error near 1e-6 relative. */
const ROW_CHUNK = 256;
/**
 * Elements from which the sums are split over the two threads, by columns (or planes): each column's terms still
 * come in the same order, so the bits are those of one thread. The LSTM's gate gradients, [1792, 512] and summed
 * twice a step (db_ih, db_hh), took ~0.2 ms each on the main thread.
 */
const SPLIT_MIN = 1 << 16;

/**
 * The column sums of the [rows, channels] matrix at heap address `gAddr` (BiasGrad with inner 1): float32 vector
 * sums over chunks of rows, added up in float64. Also what LstmSequenceGrad gives as db_hh, from its gate
 * gradients already in the heap.
 */
export function columnSums(rt: WasmRuntime, gAddr: number, rows: number, channels: number): Float32Array {
  const heap = rt.heap;
  const acc = new Float64Array(channels);
  const vecs = channels >> 2;
  const chunks = Math.ceil(rows / ROW_CHUNK);
  const dst = heap.alloc(chunks * vecs * 4);
  const fn = rt.fn('colSums');
  rt.runParts(rt.halves(vecs, rows * channels, SPLIT_MIN).map(([v0, v1]) => {
    const calls: Call[] = [];
    for (let c = 0; c < chunks; c++) {
      const r0 = c * ROW_CHUNK;
      calls.push([fn, [gAddr + (r0 * channels + v0 * 4) * 4, Math.min(ROW_CHUNK, rows - r0), v1 - v0, channels * 4, dst + (c * vecs + v0) * 16]]);
    }
    return calls;
  }));
  const h = heap.f32;
  for (let c = 0; c < chunks; c++) {
    const d = (dst >> 2) + c * vecs * 4;
    for (let j = 0; j < vecs * 4; j++) acc[j] += h[d + j];
  }
  // The last channels % 4 columns.
  const g0 = gAddr >> 2;
  for (let j = vecs * 4; j < channels; j++) for (let r = 0; r < rows; r++) acc[j] += h[g0 + r * channels + j];
  return Float32Array.from(acc);
}

export function makeBiasGrad(rt: WasmRuntime) {
  const planeSums = rt.fn('planeSums');
  return function biasGrad(g: Float32Array, at: BiasGradAttrs): Float32Array {
    const { outer, channels, inner } = at;
    const total = outer * channels * inner;
    if (g.length < total) throw new Error(`BiasGrad: g has ${g.length} elements, expected ${total}.`);
    if (total < BIAS_GRAD_SMALL || (inner === 1 ? channels : inner) < 4) return cpuBiasGrad(g, at);
    const heap = rt.heap;
    heap.reset();
    const gAddr = heap.use(g.subarray(0, total));
    if (inner === 1) return columnSums(rt, gAddr, outer, channels);
    const acc = new Float64Array(channels);
    const vecs = inner >> 2;
    const planes = outer * channels;
    const dst = heap.alloc(planes * 4);
    rt.runParts(rt.halves(planes, total, SPLIT_MIN).map(([p0, p1]): Call[] => [[planeSums, [gAddr + p0 * inner * 4, p1 - p0, vecs, inner * 4, dst + p0 * 16]]]));
    const h = heap.f32;
    for (let p = 0; p < planes; p++) {
      const q = (dst >> 2) + p * 4;
      let s = h[q] + h[q + 1] + (h[q + 2] + h[q + 3]);
      for (let i = p * inner + vecs * 4; i < (p + 1) * inner; i++) s += g[i];
      acc[p % channels] += s;
    }
    return Float32Array.from(acc);
  };
}
