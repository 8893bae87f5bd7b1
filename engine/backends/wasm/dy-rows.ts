// Copies dy [N, Cout, P] into the heap as [Cout, N*P] (the layout the conv GEMMs use), returning its address.
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import type { WasmHeap } from './heap';

export function putDyRows(heap: WasmHeap, dy: Float32Array, at: Conv2DAttrs): number {
  const plane = at.outH * at.outW;
  const width = at.n * plane;
  const addr = heap.alloc(at.cOut * width);
  const f32 = heap.f32;
  for (let oc = 0; oc < at.cOut; oc++)
    for (let b = 0; b < at.n; b++) {
      const src = (b * at.cOut + oc) * plane;
      f32.set(dy.subarray(src, src + plane), (addr >> 2) + oc * width + b * plane);
    }
  return addr;
}
