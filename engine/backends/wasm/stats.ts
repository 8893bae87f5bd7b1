// The telemetry's moments (engine/monitor/tensor-stats.ts) on the wasm heap: the array is used in place when it
// lives there, else copied in once, then one v128 pass (stats-module.ts). The counts, min and max are exactly the
// reference loop's; the sums are float64 like it, added in another order (four lanes, then the lanes), so they may
// differ from it in the last bits.
import { addMoments, type Moments } from '../../monitor/tensor-stats';
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
    const finite = counts[0] + counts[1] + counts[2] + counts[3];
    const nan = counts[8] + counts[9] + counts[10] + counts[11];
    const m: Moments = {
      sum: f64[0] + f64[1] + (f64[2] + f64[3]),
      sumSq: f64[4] + f64[5] + (f64[6] + f64[7]),
      min: Math.min(lanes[0], lanes[1], lanes[2], lanes[3]),
      max: Math.max(lanes[4], lanes[5], lanes[6], lanes[7]),
      finite,
      zeros: counts[4] + counts[5] + counts[6] + counts[7],
      nan,
      inf: vecs * 4 - finite - nan,
    };
    // The last n % 4 values, as the reference loop takes them.
    return addMoments(m, data, vecs * 4, n);
  };
}
