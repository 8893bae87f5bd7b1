// Elementwise kernels over the heap (activations and their gradients): inputs used in place or copied in, the v128
// loop run over whole vectors, split in two halves over the threads when there is enough work.
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/**
 * Runs fn(inputs..., output, count) over `n` elements (padded to whole vectors), halves on the two threads from
 * `splitMin` elements; the output in scratch, or in the pass arena with `inArena`. Returns the output's address.
 */
export function runElementwise(rt: WasmRuntime, fn: number, inputs: Float32Array[], n: number, splitMin: number, inArena = false): number {
  const heap = rt.heap;
  const padded = Math.ceil(n / 4) * 4;
  heap.reset();
  const ins = inputs.map((a) => heap.use(a, padded));
  const out = inArena ? heap.result(padded) : heap.alloc(padded);
  // Halves on 16-float (64-byte) boundaries, so the two threads never write the same cache line.
  const parts = rt.halves(padded, n, splitMin, 16).map(([e0, e1]): Call[] => [[fn, [...ins, out].map((addr) => addr + e0 * 4).concat([e1 - e0])]]);
  rt.runParts(parts);
  return out;
}
