// ReLU forward and backward as v128 loops over the heap. Small tensors stay on the reference loop, where the
// copies and the call would cost more than the work.
import { relu as cpuRelu, reluGrad as cpuReluGrad } from '../cpu/relu';
import type { WasmRuntime } from './runtime';
import { knownFinite, markFinite } from '../../finite';

const SMALL = 1024;

export function makeRelu(rt: WasmRuntime) {
  const fn = rt.fn('relu');
  return function relu(x: Float32Array): Float32Array {
    const n = x.length;
    if (n < SMALL) return cpuRelu(x);
    const padded = Math.ceil(n / 4) * 4;
    rt.heap.reset();
    const xA = rt.heap.use(x, padded);
    const yA = rt.heap.alloc(padded);
    rt.call(fn, [xA, yA, padded]);
    // max(x, 0) of finite values is finite: the mark passes on, so a kernel reading y (the filter gradient's
    // long rows) need not scan it again.
    const y = rt.heap.copyOut(yA, n);
    return knownFinite(x) ? markFinite(y) : y;
  };
}

export function makeReluGrad(rt: WasmRuntime) {
  const fn = rt.fn('reluGrad');
  return function reluGrad(x: Float32Array, dy: Float32Array): Float32Array {
    const n = x.length;
    if (dy.length !== n) throw new Error(`ReluGrad: dy has ${dy.length} elements, x has ${n}.`);
    if (n < SMALL) return cpuReluGrad(x, dy);
    const padded = Math.ceil(n / 4) * 4;
    rt.heap.reset();
    const xA = rt.heap.use(x, padded);
    const dyA = rt.heap.use(dy, padded);
    const dxA = rt.heap.result(padded);
    rt.call(fn, [xA, dyA, dxA, padded]);
    return rt.heap.deliver(dxA, n);
  };
}
