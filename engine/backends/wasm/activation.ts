// tanh and sigmoid (and their backward) on the wasm heap: x copied in, the v128 loop run (split over the two
// threads when there is enough work), y copied out into a fresh array or the caller's view. Small tensors stay on
// the reference loop, where the copies and the call would cost more than the work.
import { intoTarget, type ActivationAttrs, type ActivationFn } from '../../kernels/kernel-map';
import { activation as cpuActivation, activationGrad as cpuActivationGrad } from '../cpu/activation';
import { activationExport } from './activation-module';
import { runElementwise } from './elementwise';
import type { WasmRuntime } from './runtime';

const SMALL = 256;
/**
 * Elements from which the forward is split over two threads. tanh on one thread takes ~4 ns an element; measured at
 * 8192 elements (an RNN(., 128) step over a batch of 64) 33-35 us on one thread and 24 us on two; at 4096, 18 and 22.
 */
const SPLIT_MIN = 8192;

export function makeActivation(rt: WasmRuntime) {
  const fns: Record<ActivationFn, number> = { tanh: rt.fn(activationExport('tanh')), sigmoid: rt.fn(activationExport('sigmoid')) };
  return function activation(x: Float32Array, at: ActivationAttrs): Float32Array {
    const n = x.length;
    const target = intoTarget(at.into, n, 'Activation');
    if (n < SMALL) return cpuActivation(x, at);
    return rt.heap.copyOut(runElementwise(rt, fns[at.fn], [x], n, SPLIT_MIN), n, target);
  };
}

export function makeActivationGrad(rt: WasmRuntime) {
  const fns: Record<ActivationFn, number> = { tanh: rt.fn(activationExport('tanh', true)), sigmoid: rt.fn(activationExport('sigmoid', true)) };
  return function activationGrad(y: Float32Array, dy: Float32Array, at: { fn: ActivationFn }): Float32Array {
    const n = y.length;
    if (n < SMALL || dy.length !== n) return cpuActivationGrad(y, dy, at);
    // Two loads, three flops and a store per vector: the copies dominate, and a second thread would not pay.
    return rt.heap.deliver(runElementwise(rt, fns[at.fn], [y, dy], n, Infinity, true), n);
  };
}
