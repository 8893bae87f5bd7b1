// Fused Adam and SGD updates, one v128 loop each. Parameters and state that are resident in the heap (see
// engine/storage.ts) are updated in place; anything else is copied in padded to a multiple of 4 (zero padding is
// inert: zero gradient, zero moments) and copied back. Large tensors are split into two
// fixed contiguous halves, one per thread (interleaving was measured slower).
import type { AdamAttrs, SgdAttrs } from '../../kernels/kernel-map';
import { adamExport, sgdExport, type MomentumMode } from './optimizers-module';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

const SPLIT_MIN = 1 << 15;

function useAll(rt: WasmRuntime, arrays: (Float32Array | null)[], padded: number): number[] {
  return arrays.map((a) => (a ? rt.heap.use(a, padded) : 0));
}

/** Copies updated buffers back unless the kernel worked on them in place. */
function copyBack(rt: WasmRuntime, pairs: [Float32Array | null, number][]): void {
  const f32 = rt.heap.f32;
  for (const [a, addr] of pairs) if (a && rt.heap.addressOf(a) !== addr) a.set(f32.subarray(addr >> 2, (addr >> 2) + a.length));
}

export function makeAdamUpdate(rt: WasmRuntime) {
  return function adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, at: AdamAttrs): void {
    if (at.amsgrad && !vMax) throw new Error('AdamUpdate: amsgrad needs the vMax buffer.');
    const len = param.length;
    const padded = Math.ceil(len / 4) * 4;
    rt.heap.reset();
    const ams = at.amsgrad ? vMax : null;
    const [pA, gA, mA, vA, xA] = useAll(rt, [param, grad, m, v, ams], padded);
    const mode = at.weightDecay === 0 ? 'plain' : at.decoupled ? 'decoupled' : 'l2';
    const decay = mode === 'decoupled' ? 1 - at.lr * at.weightDecay : at.weightDecay;
    const fn = rt.fn(adamExport(mode, at.amsgrad));
    const scalars = [1 - at.beta1, at.beta2, 1 - at.beta2, decay, at.lr / (1 - at.beta1 ** at.step), 1 / Math.sqrt(1 - at.beta2 ** at.step), at.eps];
    const parts = rt.halves(padded, padded, SPLIT_MIN, 4).map(([s, e]): Call[] => [
      [fn, [pA + s * 4, gA + s * 4, mA + s * 4, vA + s * 4, xA ? xA + s * 4 : 0, (e - s) / 4, ...scalars]],
    ]);
    rt.runParts(parts);
    copyBack(rt, [[param, pA], [m, mA], [v, vA], [ams, xA]]);
  };
}

export function makeSgdUpdate(rt: WasmRuntime) {
  return function sgdUpdate(param: Float32Array, grad: Float32Array, buf: Float32Array | null, at: SgdAttrs): void {
    if (at.momentum !== 0 && !buf) throw new Error('SgdUpdate: momentum needs the buffer.');
    const len = param.length;
    const padded = Math.ceil(len / 4) * 4;
    rt.heap.reset();
    const useBuf = at.momentum !== 0 ? buf : null;
    const [pA, gA, bA] = useAll(rt, [param, grad, useBuf], padded);
    const mode: MomentumMode =
      at.momentum === 0 ? 'none' : at.nesterov ? (at.firstStep ? 'nesterovFirst' : 'nesterovRunning') : at.firstStep ? 'first' : 'running';
    const fn = rt.fn(sgdExport(mode, at.weightDecay !== 0));
    const parts = rt.halves(padded, padded, SPLIT_MIN, 4).map(([s, e]): Call[] => [
      [fn, [pA + s * 4, gA + s * 4, bA ? bA + s * 4 : 0, (e - s) / 4, at.lr, at.weightDecay, at.momentum, 1 - at.dampening]],
    ]);
    rt.runParts(parts);
    copyBack(rt, [[param, pA], [useBuf, bA]]);
  };
}
