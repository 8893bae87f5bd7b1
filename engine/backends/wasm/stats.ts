// The telemetry's passes (engine/monitor/tensor-stats.ts) on the wasm heap: each array is used in place when it
// lives there (parameters, their gradient slots) and copied in once otherwise, then one v128 pass
// (stats-module.ts). Counts, min and max are exactly the reference loops'; the sums are float64 like theirs, added
// in another order (lanes, then the lanes), so they may differ from them in the last bits. The last n % 4 values
// are added by the reference loops themselves.
import { accumulateGrad, addMoments, normAndDiffReference, type FastStats, type Moments } from '../../monitor/tensor-stats';
import type { WasmRuntime } from './runtime';

export function makeFastStats(rt: WasmRuntime): FastStats {
  const momentsFn = rt.fn('moments');
  const gradSumsFn = rt.fn('gradSums');
  const diffSumsFn = rt.fn('diffSums');
  const heap = rt.heap;
  /** The `count` f64 values at `out`, added in pairs (low lanes, high lanes). */
  const f64At = (out: number, count: number): Float64Array => new Float64Array(heap.f32.buffer, out, count);
  const lanesSum = (f64: Float64Array, at: number): number => f64[at] + f64[at + 1] + (f64[at + 2] + f64[at + 3]);
  const i32Sum = (out: number): number => {
    const c = new Int32Array(heap.f32.buffer, out, 4);
    return c[0] + c[1] + c[2] + c[3];
  };
  /** Runs pass `fn` over the whole vectors of `data`, then of `more` when given; returns them and the results' address. */
  const pass = (fn: number, outFloats: number, data: Float32Array, more?: Float32Array): { vecs: number; out: number } => {
    const vecs = Math.floor(data.length / 4);
    heap.reset();
    const addrs = [heap.use(data), ...(more ? [heap.use(more.subarray(0, data.length))] : [])];
    const out = heap.alloc(outFloats);
    rt.call(fn, [...addrs, vecs, out]);
    return { vecs, out };
  };

  return {
    moments(data: Float32Array): Moments {
      const { vecs, out } = pass(momentsFn, 36, data);
      const f64 = f64At(out, 8);
      const lanes = new Float32Array(heap.f32.buffer, out + 64, 8);
      const finite = i32Sum(out + 96);
      const nan = i32Sum(out + 128);
      const m: Moments = {
        sum: lanesSum(f64, 0),
        sumSq: lanesSum(f64, 4),
        min: Math.min(lanes[0], lanes[1], lanes[2], lanes[3]),
        max: Math.max(lanes[4], lanes[5], lanes[6], lanes[7]),
        finite,
        zeros: i32Sum(out + 112),
        nan,
        inf: vecs * 4 - finite - nan,
      };
      return addMoments(m, data, vecs * 4, data.length);
    },

    gradSums(data: Float32Array): { sumSq: number; sumAbs: number; zeros: number } {
      const { vecs, out } = pass(gradSumsFn, 20, data);
      const f64 = f64At(out, 8);
      const acc = { sumSq: lanesSum(f64, 0), sumAbs: lanesSum(f64, 4), zeros: i32Sum(out + 64), count: vecs * 4 };
      // The last n % 4 values through the reference loop (too few for this pass: tensor-stats runs its own).
      accumulateGrad(acc, data.subarray(vecs * 4));
      return acc;
    },

    normAndDiff(a: Float32Array, b: Float32Array): { sumSq: number; diffSq: number } {
      const { vecs, out } = pass(diffSumsFn, 16, a, b);
      const f64 = f64At(out, 8);
      const tail = normAndDiffReference(a.subarray(vecs * 4), b.subarray(vecs * 4, a.length));
      return { sumSq: lanesSum(f64, 0) + tail.sumSq, diffSq: lanesSum(f64, 4) + tail.diffSq };
    },
  };
}
