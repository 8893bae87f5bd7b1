// Conv2D as one GEMM per group: Y[Cout_g, N*P] = W_g[Cout_g, CKK_g] · col[CKK_g, N*P], then the result is
// copied to NCHW; C is initialised with the bias. Stride-1 rows take the direct kernels instead (conv-direct.ts).
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { gemm, padCols, padRows } from './gemm';
import { im2col } from './im2col';
import type { WasmRuntime } from './runtime';
import { uninitializedFloat32 } from './heap';
import { markFinite } from '../../finite';
import { directConv2D } from './conv-direct';

export function makeConv2D(rt: WasmRuntime) {
  return function conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, at: Conv2DAttrs): Float32Array {
    const direct = directConv2D(rt, x, w, bias, at);
    if (direct) return direct.finite ? markFinite(direct.y) : direct.y;
    const { n, cIn, cOut, kh, kw, groups, outH, outW } = at;
    const cinG = cIn / groups;
    const coutG = cOut / groups;
    const ckk = cinG * kh * kw;
    const plane = outH * outW;
    const width = n * plane;
    const y = uninitializedFloat32(n * cOut * plane);
    const heap = rt.heap;
    heap.reset();
    const wAddr = heap.use(w);
    const xAddr = heap.use(x);
    const colAddr = heap.alloc(ckk * width);
    const ldc = padCols(width);
    const cAddr = heap.alloc(padRows(rt, coutG) * ldc);
    const rows = padRows(rt, coutG);
    let finite = true;
    for (let g = 0; g < groups; g++) {
      im2col(rt, xAddr, at, g, colAddr, width);
      // C starts as the bias (the GEMM accumulates onto it), so the output copy is plain plane copies.
      for (let o = 0; o < rows; o++) {
        const start = (cAddr >> 2) + o * ldc;
        heap.f32.fill(o < coutG && bias ? bias[g * coutG + o] : 0, start, start + ldc);
      }
      gemm(rt, coutG, width, ckk, { addr: wAddr + g * coutG * ckk * 4, s0: ckk, s1: 1 }, { addr: colAddr, s0: width, s1: 1 }, { addr: cAddr, ldc, accumulate: true });
      finite &&= rt.finiteRegion(cAddr, coutG, width, ldc);
      const f32 = heap.f32;
      for (let o = 0; o < coutG; o++) {
        const src = (cAddr >> 2) + o * ldc;
        for (let b = 0; b < n; b++) y.set(f32.subarray(src + b * plane, src + (b + 1) * plane), (b * cOut + g * coutG + o) * plane);
      }
    }
    return finite ? markFinite(y) : y;
  };
}
