// ReLU forward and backward as v128 loops over the heap, split over the two threads when there is enough work. Small
// tensors stay on the reference loop, where the copies and the call would cost more than the work.
import { relu as cpuRelu, reluGrad as cpuReluGrad } from '../cpu/relu';
import { runElementwise } from './elementwise';
import type { WasmRuntime } from './runtime';
import { knownFinite, markFinite } from '../../finite';

const SMALL = 1024;
/**
 * Elements from which the loop runs on both threads: it moves ~50-70 GB/s, so 64K elements are ~10 µs of work,
 * against ~0.5 µs to hand half to a helper that is still spinning after the kernel before (the conv or GEMM whose
 * output this is).
 */
const SPLIT_MIN = 1 << 16;

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
