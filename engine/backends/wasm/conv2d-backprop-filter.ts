// dW of Conv2D: per group, dW_g[Cout_g, CKK_g] = dY_g[Cout_g, N*P] · colᵀ; the long N*P dimension is the GEMM's
// K, so the sum over images and positions runs in the micro-kernel's fixed order (deterministic). Stride-1 rows
// whose width is a multiple of 4 take the direct kernel instead (conv-direct.ts).
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { putDyRows } from './dy-rows';
import { gemm, padCols, padRows } from './gemm';
import { im2col } from './im2col';
import type { WasmRuntime } from './runtime';
import { markFinite } from '../../finite';
import { directConv2DBackpropFilter } from './conv-direct';

export function makeConv2DBackpropFilter(rt: WasmRuntime) {
  return function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, at: Conv2DAttrs): Float32Array {
    const direct = directConv2DBackpropFilter(rt, x, dy, at);
    if (direct) return direct.finite ? markFinite(direct.dw) : direct.dw;
    const { n, cIn, cOut, kh, kw, groups, outH, outW } = at;
    const cinG = cIn / groups;
    const coutG = cOut / groups;
    const ckk = cinG * kh * kw;
    const width = n * outH * outW;
    const dw = new Float32Array(cOut * ckk);
    const heap = rt.heap;
    heap.reset();
    const dyAddr = putDyRows(heap, dy, at);
    const xAddr = heap.use(x);
    const colAddr = heap.alloc(ckk * width);
    const ldc = padCols(ckk);
    const rows = padRows(rt, coutG);
    const cAddr = heap.alloc(rows * ldc);
    let finite = true;
    for (let g = 0; g < groups; g++) {
      im2col(rt, xAddr, at, g, colAddr, width);
      gemm(
        rt, coutG, ckk, width,
        { addr: dyAddr + g * coutG * width * 4, s0: width, s1: 1 },
        { addr: colAddr, s0: 1, s1: width },
        { addr: cAddr, ldc },
      );
      finite &&= rt.finiteRegion(cAddr, coutG, ckk, ldc);
      const f32 = heap.f32;
      for (let o = 0; o < coutG; o++) {
        const s = (cAddr >> 2) + o * ldc;
        dw.set(f32.subarray(s, s + ckk), (g * coutG + o) * ckk);
      }
    }
    return finite ? markFinite(dw) : dw;
  };
}
