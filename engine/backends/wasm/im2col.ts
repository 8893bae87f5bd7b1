// im2col and col2im between NCHW images (in the wasm heap) and the column matrix of one group, laid out
// [C/groups*KH*KW, N*OH*OW] so the whole batch is a single wide GEMM (per-image GEMMs of MNIST-sized convs would
// be all edge). Rows run over (channel, ky, kx), columns over (image, oh, ow). Each row is one wasm call; the
// valid output window of each kernel offset is computed here so the wasm loops need no bounds tests. With two
// threads the rows are split in halves (im2col) or the channels are (col2im, so no two threads add into the same
// input element): deterministic.
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { validRange } from '../cpu/conv-range';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/** Elements moved; below this a hand-off to the helper (~12 µs, far more on a busy machine) is not worth it. */
const SPLIT_MIN = 1 << 19;

function rowArgs(at: Conv2DAttrs, xAddr: number, g: number, icg: number, ky: number, kx: number): number[] {
  const { n, cIn, h, w, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = at;
  const [ohLo, ohHi] = validRange(outH, h, strideH, padH, ky * dilationH);
  const [owLo, owHi] = validRange(outW, w, strideW, padW, kx * dilationW);
  const ic = g * (cIn / groups) + icg;
  const origin = xAddr + (ic * h * w + (ky * dilationH - padH) * w + (kx * dilationW - padW)) * 4;
  return [origin, 0, n, cIn * h * w * 4, outH, outW, ohLo, ohHi, owLo, owHi, strideH * w * 4, strideW * 4];
}

function split(rt: WasmRuntime, calls: Call[], units: number, work: number, unitOf: (i: number) => number): Call[][] {
  return rt.halves(units, work, SPLIT_MIN).map(([u0, u1]) => calls.filter((_, i) => unitOf(i) >= u0 && unitOf(i) < u1));
}

/** Writes the column matrix of group `g` at `colAddr` (rows `ld` floats apart) from the image at `xAddr`. */
export function im2col(rt: WasmRuntime, xAddr: number, at: Conv2DAttrs, g: number, colAddr: number, ld: number): void {
  const cinG = at.cIn / at.groups;
  const fn = rt.fn('im2colRow');
  const calls: Call[] = [];
  for (let icg = 0; icg < cinG; icg++)
    for (let ky = 0; ky < at.kh; ky++)
      for (let kx = 0; kx < at.kw; kx++) {
        const args = rowArgs(at, xAddr, g, icg, ky, kx);
        args[1] = colAddr + calls.length * ld * 4;
        calls.push([fn, args]);
      }
  rt.runParts(split(rt, calls, calls.length, calls.length * ld, (i) => i));
}

/** Adds the column matrix of group `g` (at `colAddr`, rows `ld` floats apart) into the image gradient at `dxAddr`. */
export function col2im(rt: WasmRuntime, colAddr: number, ld: number, at: Conv2DAttrs, g: number, dxAddr: number): void {
  const cinG = at.cIn / at.groups;
  const kk = at.kh * at.kw;
  const fn = rt.fn('col2imRow');
  const calls: Call[] = [];
  for (let icg = 0; icg < cinG; icg++)
    for (let ky = 0; ky < at.kh; ky++)
      for (let kx = 0; kx < at.kw; kx++) {
        const args = rowArgs(at, dxAddr, g, icg, ky, kx);
        args[1] = colAddr + calls.length * ld * 4;
        calls.push([fn, args]);
      }
  rt.runParts(split(rt, calls, cinG, calls.length * ld, (i) => Math.floor(i / kk)));
}
