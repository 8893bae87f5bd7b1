// The telemetry's moments (engine/monitor/tensor-stats.ts) on the wasm heap: the array is used in place when it
// lives there, else copied in once, then one v128 pass (stats-module.ts). The counts, min and max are exactly the
// reference loop's; the sums are float64 like it, added in another order (four lanes, then the lanes), so they may
// differ from it in the last bits.
import type { Moments } from '../../monitor/tensor-stats';
import type { WasmRuntime } from './runtime';

export function makeMoments(rt: WasmRuntime): (data: Float32Array) => Moments {
  const fn = rt.fn('moments');
  return function moments(data: Float32Array): Moments {
    const n = data.length;
    const vecs = Math.floor(n / 4);
    const heap = rt.heap;
    heap.reset();
    const addr = heap.use(data);
    const out = heap.alloc(36);
    rt.call(fn, [addr, vecs, out]);
    const f64 = new Float64Array(heap.f32.buffer, out, 8);
    const lanes = new Float32Array(heap.f32.buffer, out + 64, 8);
    const counts = new Int32Array(heap.f32.buffer, out + 96, 12);
    let sum = f64[0] + f64[1] + (f64[2] + f64[3]);
    let sumSq = f64[4] + f64[5] + (f64[6] + f64[7]);
    let min = Math.min(lanes[0], lanes[1], lanes[2], lanes[3]);
    let max = Math.max(lanes[4], lanes[5], lanes[6], lanes[7]);
    let finite = counts[0] + counts[1] + counts[2] + counts[3];
    let zeros = counts[4] + counts[5] + counts[6] + counts[7];
    let nan = counts[8] + counts[9] + counts[10] + counts[11];
    // The last n % 4 values, as the reference loop takes them.
    for (let i = vecs * 4; i < n; i++) {
      const v = data[i];
      if (v - v !== 0) {
        if (v !== v) nan++;
        continue;
      }
      finite++;
      sum += v;
      sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
    }
    return { sum, sumSq, min, max, finite, zeros, nan, inf: n - finite - nan };
  };
}
