// dX of Conv2D: per group, dcol[CKK_g, N*P] = W_gᵀ · dY_g[Cout_g, N*P] (the transpose is a stride, not a copy),
// then col2im adds every column back into the window it came from, straight from the padded GEMM output.
// Stride-1 convolutions take the direct kernels instead (conv-direct.ts).
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { putDyRows } from './dy-rows';
import { gemm, padCols, padRows } from './gemm';
import { col2im } from './im2col';
import type { WasmRuntime } from './runtime';
import { markFinite } from '../../finite';
import { directConv2DBackpropInput } from './conv-direct';

export function makeConv2DBackpropInput(rt: WasmRuntime) {
  return function conv2dBackpropInput(dy: Float32Array, w: Float32Array, at: Conv2DAttrs): Float32Array {
    const direct = directConv2DBackpropInput(rt, dy, w, at);
    if (direct) return direct.finite ? markFinite(direct.dx) : direct.dx;
    const { n, cIn, h, w: wd, cOut, kh, kw, groups, outH, outW } = at;
    const cinG = cIn / groups;
    const coutG = cOut / groups;
    const ckk = cinG * kh * kw;
    const width = n * outH * outW;
    const heap = rt.heap;
    heap.reset();
    const dxAddr = heap.result(n * cIn * h * wd, true);
    const wAddr = heap.use(w);
    const dyAddr = putDyRows(heap, dy, at);
    const ldc = padCols(width);
    const rows = padRows(rt, ckk);
    const cAddr = heap.alloc(rows * ldc);
    for (let g = 0; g < groups; g++) {
      gemm(
        rt, ckk, width, coutG,
        { addr: wAddr + g * coutG * ckk * 4, s0: 1, s1: ckk },
        { addr: dyAddr + g * coutG * width * 4, s0: width, s1: 1 },
        { addr: cAddr, ldc },
      );
      col2im(rt, cAddr, ldc, at, g, dxAddr);
    }
    const dx = heap.deliver(dxAddr, n * cIn * h * wd);
    return rt.finiteSpan(dxAddr, dx.length) ? markFinite(dx) : dx;
  };
}
