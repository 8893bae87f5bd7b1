// ReLU forward and backward as v128 loops over the heap. Small tensors stay on the reference loop, where the copies
// and the call would cost more than the work.
import { relu as cpuRelu, reluGrad as cpuReluGrad } from '../cpu/relu';
import { runElementwise } from './elementwise';
import type { WasmRuntime } from './runtime';
import { knownFinite, markFinite } from '../../finite';

const SMALL = 1024;
/**
 * The loop stays on the main thread. Split over the two threads from 64K elements it ran 1.6-1.8x faster alone, in
 * the heap (one 512000-float call: relu 120 -> 67 us, reluGrad 85 -> 48), yet the steps were slower: pooled CNN
 * 0.965x (faster in 6 of 16 alternating 1 s windows), no-pool CNN 0.966x (5 of 16), as in the fifth round. The
 * input was just copied in by the main thread, and a helper asleep after the kernel before costs a wake-up.
 */
const SPLIT_MIN = Infinity;

export function makeRelu(rt: WasmRuntime) {
  const fn = rt.fn('relu');
  return function relu(x: Float32Array): Float32Array {
    const n = x.length;
    if (n < SMALL) return cpuRelu(x);
    // max(x, 0) of finite values is finite: the mark passes on, so a kernel reading y (the filter gradient's
    // long rows) need not scan it again.
    const y = rt.heap.copyOut(runElementwise(rt, fn, [x], n, SPLIT_MIN), n);
    return knownFinite(x) ? markFinite(y) : y;
  };
}

export function makeReluGrad(rt: WasmRuntime) {
  const fn = rt.fn('reluGrad');
  return function reluGrad(x: Float32Array, dy: Float32Array): Float32Array {
    const n = x.length;
    if (dy.length !== n) throw new Error(`ReluGrad: dy has ${dy.length} elements, x has ${n}.`);
    if (n < SMALL) return cpuReluGrad(x, dy);
    return rt.heap.deliver(runElementwise(rt, fn, [x, dy], n, SPLIT_MIN, true), n);
  };
}
