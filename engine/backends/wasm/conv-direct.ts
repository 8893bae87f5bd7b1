// Drivers for the direct convolution kernels (conv-direct-module.ts): the forward pass, the input gradient (a
// stride-1 forward pass over the zero-padded output gradient with the kernel flipped and its channel axes swapped)
// and the filter gradient. Each returns null when the shape is not one the direct kernels handle, and the caller
// falls back to im2col + GEMM. With two threads, the forward passes split the batch in two halves and the filter
// gradient splits the output channels, so every output is computed by one thread in one order: deterministic.
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { packCalls, padCols, padRows } from './gemm';
import { NR } from './tile-step';
import type { WasmHeap } from './heap';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';
import { knownFinite } from '../../finite';

/**
 * Longest reduction (input channels x kernel taps) the forward kernel takes in one pass: the tile's packed weights
 * (mr x K floats) and the K input rows it reads should stay in L1/L2 across the output-channel tiles.
 */
const MAX_K = 1024;
/** How much more arithmetic than im2col + GEMM the direct input gradient may do and still be used. */
const MAX_EXTRA_WORK = 1.5;
/** Multiply-adds below which a hand-off to the helper thread costs more than it saves. */
const SPLIT_MIN = 1 << 21;
/**
 * Vector steps (output rows x vectors per row, summed over images) that one convFilterGrad call runs for each
 * (channel pair, tap quad) block. Measured on conv2 of the MNIST CNN, one thread: one image a call (16 steps) took
 * ~2.0 ms, 16 images a call 1.83-1.93 ms (min of 60 calls; the results are the same bits).
 */
const FILTER_STEPS_PER_CALL = 256;

/** A stride-1 (along rows) convolution over planes already padded in the heap. */
interface Plan {
  n: number;
  groups: number;
  cinG: number;
  coutG: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  dilH: number;
  dilW: number;
  strideH: number;
}

/**
 * `planes` planes of h x w in the heap with `padH`/`padW` zeros on each side; returns the address. Unpadded, the
 * planes themselves when they live there; padded, copied in once (unless they live there) and spread into the
 * zeroed padded planes by one wasm call.
 */
export function putPadded(rt: WasmRuntime, src: Float32Array, planes: number, h: number, w: number, padH: number, padW: number): number {
  const heap = rt.heap;
  const srcAddr = heap.use(src.subarray(0, planes * h * w));
  if (padH === 0 && padW === 0) return srcAddr;
  const ph = h + 2 * padH;
  const pw = w + 2 * padW;
  const addr = heap.zeros(planes * ph * pw);
  rt.call(rt.fn('copyRows'), [srcAddr, addr + (padH * pw + padW) * 4, planes, h, w * 4, w * 4, h * w * 4, pw * 4, ph * pw * 4]);
  return addr;
}

/**
 * Byte offsets of the kernel taps (channel, ky, kx) from the input under output (0, 0), padded with zeros to
 * `count`; with `columnsFirst`, in (channel, kx, ky) order. The fused input gradient adds each tile's mr tap rows
 * into the image at these offsets: in (ky, kx) order neighbouring taps are 4 bytes apart, so each read-modify-write
 * overlaps the stores just before it, which the CPU cannot forward to the load (it waits for them to retire).
 * Column-major, they are a row apart: the no-pool CNN's conv2 input gradient, one thread, 9.2 -> 7.5 ms; the sums
 * take their terms in the same order (each input element's taps of one output row still come in kx order).
 */
function tapOffsets(heap: WasmHeap, p: Plan, count: number, columnsFirst = false): number {
  const addr = heap.alloc(count);
  const offs = new Int32Array(heap.f32.buffer, addr, count);
  const kk = p.kh * p.kw;
  for (let c = 0; c < p.cinG; c++)
    for (let ky = 0; ky < p.kh; ky++)
      for (let kx = 0; kx < p.kw; kx++) offs[c * kk + (columnsFirst ? kx * p.kh + ky : ky * p.kw + kx)] = (c * p.inH * p.inW + ky * p.dilH * p.inW + kx * p.dilW) * 4;
  offs.fill(0, p.cinG * kk);
  return addr;
}

/**
 * Runs the forward kernel: x at `xAddr` is [n][groups*cinG][inH][inW], weights `wAddr` are [groups*coutG][cinG*kh*kw]
 * (PyTorch's layout). Returns the output's address, laid out [n][groups][coutG padded to the tile][outH*outW].
 */
function runForward(rt: WasmRuntime, p: Plan, xAddr: number, wAddr: number, bias: Float32Array | null): number {
  const heap = rt.heap;
  const mr = rt.variant.mr;
  const kc = p.cinG * p.kh * p.kw;
  const padded = padRows(rt, p.coutG);
  const plane = p.outH * p.outW;
  const packed = heap.alloc(p.groups * padded * kc);
  const biases = heap.zeros(p.groups * padded);
  const offs = tapOffsets(heap, p, kc);
  const yAddr = heap.alloc(p.n * p.groups * padded * plane);
  const packs: Call[] = [];
  for (let g = 0; g < p.groups; g++) {
    packCalls(rt, packs, wAddr + g * p.coutG * kc * 4, 1, kc, kc, p.coutG, mr, packed + g * padded * kc * 4);
    if (bias) heap.f32.set(bias.subarray(g * p.coutG, (g + 1) * p.coutG), (biases >> 2) + g * padded);
  }
  rt.runParts([packs]);
  const fn = rt.fn('convRows');
  // Columns left after the whole panels: 1-4 take a 4-column tile at the row's end, 5-7 an 8-column panel that
  // overlaps the one before.
  const rest = p.outW % NR;
  const tail = rest > 0 && rest <= 4 ? (p.outW - 4) * 4 : -1;
  const panels = tail >= 0 ? Math.floor(p.outW / NR) : Math.ceil(p.outW / NR);
  const lastCol = (p.outW - NR) * 4;
  const imageIn = p.groups * p.cinG * p.inH * p.inW * 4;
  const parts = rt.halves(p.n, p.n * p.groups * padded * plane * kc, SPLIT_MIN).map(([b0, b1]) => {
    const calls: Call[] = [];
    for (let b = b0; b < b1; b++)
      for (let g = 0; g < p.groups; g++)
        calls.push([fn, [
          padded / mr, kc, packed + g * padded * kc * 4,
          xAddr + b * imageIn + g * p.cinG * p.inH * p.inW * 4, p.strideH * p.inW * 4, offs,
          yAddr + (b * p.groups + g) * padded * plane * 4, p.outW * 4, plane * 4,
          p.outH, panels, lastCol, biases + g * padded * 4, tail,
        ]]);
    return calls;
  });
  rt.runParts(parts);
  return yAddr;
}

/** Copies a [n][groups][padded][plane] result out as [n][groups*count][plane]. */
function copyPlanes(heap: WasmHeap, addr: number, n: number, groups: number, count: number, padded: number, plane: number): Float32Array {
  if (count === padded) return heap.copyOut(addr, n * groups * count * plane);
  const out = heap.output(n * groups * count * plane);
  const f32 = heap.f32;
  for (let b = 0; b < n; b++)
    for (let g = 0; g < groups; g++) {
      const s = (addr >> 2) + (b * groups + g) * padded * plane;
      out.set(f32.subarray(s, s + count * plane), (b * groups + g) * count * plane);
    }
  return out;
}

const forwardFits = (at: Conv2DAttrs): boolean =>
  at.strideW === 1 && at.outW >= NR && (at.cIn / at.groups) * at.kh * at.kw <= MAX_K;

/** Conv2D's forward pass, or null when the shape needs im2col. `finite` is set from a scan of the output. */
export function directConv2D(rt: WasmRuntime, x: Float32Array, w: Float32Array, bias: Float32Array | null, at: Conv2DAttrs): { y: Float32Array; finite: boolean } | null {
  if (!forwardFits(at)) return null;
  const heap = rt.heap;
  heap.reset();
  const wAddr = heap.use(w);
  const xAddr = putPadded(rt, x, at.n * at.cIn, at.h, at.w, at.padH, at.padW);
  const p: Plan = {
    n: at.n, groups: at.groups, cinG: at.cIn / at.groups, coutG: at.cOut / at.groups,
    inH: at.h + 2 * at.padH, inW: at.w + 2 * at.padW, outH: at.outH, outW: at.outW,
    kh: at.kh, kw: at.kw, dilH: at.dilationH, dilW: at.dilationW, strideH: at.strideH,
  };
  const yAddr = runForward(rt, p, xAddr, wAddr, bias);
  const padded = padRows(rt, p.coutG);
  const count = at.n * at.groups * padded * at.outH * at.outW;
  const finite = rt.finiteSpan(yAddr, count);
  return { y: copyPlanes(heap, yAddr, at.n, at.groups, p.coutG, padded, at.outH * at.outW), finite };
}

/**
 * Conv2DBackpropInput with col2im fused into the GEMM: each tile of (kernel taps x 8 output columns) is added
 * straight into the input gradient, where a tap's 8 inputs lie side by side (unit column stride). The kernel takes
 * whole 8-column panels (a partial panel would add its overlap twice), so output rows that are not (the no-pool
 * CNN's 20 columns) are spread into zero-padded rows of whole panels, at most MAX_EXTRA_WORK times the work: the
 * zero columns add nothing, into input columns widened to receive it, which the copy out leaves behind.
 */
function fusedBackpropInput(rt: WasmRuntime, dy: Float32Array, w: Float32Array, at: Conv2DAttrs): { dx: Float32Array; finite: boolean } | null {
  const { n, cIn, cOut, kh, kw, groups, h, outH, outW } = at;
  const cols = padCols(outW);
  if (at.strideW !== 1 || cols > MAX_EXTRA_WORK * outW) return null;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const taps = cinG * kh * kw;
  const mr = rt.variant.mr;
  const padded = padRows(rt, taps);
  const extra = cols - outW;
  const inH = h + 2 * at.padH;
  const inW = at.w + 2 * at.padW + extra;
  const plane = outH * cols;
  const heap = rt.heap;
  heap.reset();
  // With extra columns, dy is spread into zero-padded rows of whole panels by the part that reads those images.
  const dySrc = heap.use(dy);
  const dyAddr = extra === 0 ? dySrc : heap.alloc(n * cOut * plane);
  // Taps column-major within each channel (see tapOffsets), the packed weights in the same order.
  const kk = kh * kw;
  const wt = new Float32Array(cOut * taps);
  for (let oc = 0; oc < cOut; oc++)
    for (let c = 0; c < cinG; c++)
      for (let kx = 0; kx < kw; kx++) for (let ky = 0; ky < kh; ky++) wt[oc * taps + c * kk + kx * kh + ky] = w[oc * taps + c * kk + ky * kw + kx];
  const wAddr = heap.put(wt);
  const packed = heap.alloc(groups * padded * coutG);
  const packs: Call[] = [];
  for (let g = 0; g < groups; g++) packCalls(rt, packs, wAddr + g * coutG * taps * 4, taps, 1, coutG, taps, mr, packed + g * padded * coutG * 4);
  rt.runParts([packs]);
  const p: Plan = { n, groups, cinG, coutG, inH, inW, outH, outW, kh, kw, dilH: at.dilationH, dilW: at.dilationW, strideH: at.strideH };
  const offs = tapOffsets(heap, p, padded, true);
  // Unpadded and of whole panels, the image is the result itself (straight into the pass arena during backward).
  const inPlace = at.padH === 0 && at.padW === 0 && extra === 0;
  const count = n * cIn * h * at.w;
  const imageDx = cIn * inH * inW;
  const dxAddr = inPlace ? heap.result(n * imageDx) : heap.alloc(n * imageDx);
  const out = inPlace ? dxAddr : heap.result(count);
  const fn = rt.fn('convBackRows');
  const zero = rt.fn('zeroBytes');
  const copy = rt.fn('copyRows');
  // Each part lays out its own images' dy, zeroes their dx and gathers them out of the padded planes: on the main
  // thread alone that was ~0.3 ms of the no-pool CNN's conv2 input gradient.
  const parts = rt.halves(n, n * cOut * plane * taps, SPLIT_MIN).map(([b0, b1]) => {
    const calls: Call[] = [];
    const images = b1 - b0;
    if (extra > 0) {
      const at0 = dyAddr + b0 * cOut * plane * 4;
      calls.push([zero, [at0, images * cOut * plane * 4]]);
      calls.push([copy, [dySrc + b0 * cOut * outH * outW * 4, at0, images * cOut, outH, outW * 4, outW * 4, outH * outW * 4, cols * 4, plane * 4]]);
    }
    calls.push([zero, [dxAddr + b0 * imageDx * 4, images * imageDx * 4]]);
    for (let b = b0; b < b1; b++)
      for (let g = 0; g < groups; g++)
        calls.push([fn, [
          padded / mr, coutG, packed + g * padded * coutG * 4, dyAddr + (b * cOut + g * coutG) * plane * 4, plane * 4, cols * 4,
          dxAddr + (b * cIn + g * cinG) * inH * inW * 4, at.strideH * inW * 4, offs, outH, cols / NR,
        ]]);
    if (!inPlace) {
      const from = dxAddr + (b0 * imageDx + at.padH * inW + at.padW) * 4;
      calls.push([copy, [from, out + b0 * cIn * h * at.w * 4, images * cIn, h, at.w * 4, inW * 4, inH * inW * 4, at.w * 4, h * at.w * 4]]);
    }
    return calls;
  });
  rt.runParts(parts);
  return { dx: heap.deliver(out, count), finite: rt.finiteSpan(out, count) };
}

/**
 * Conv2DBackpropInput by a direct kernel: the fused GEMM + col2im when output rows fill their 8-column panels well
 * enough, else as a forward pass over the padded output gradient; null when the shape needs im2col (strides, too
 * little padding).
 */
export function directConv2DBackpropInput(rt: WasmRuntime, dy: Float32Array, w: Float32Array, at: Conv2DAttrs): { dx: Float32Array; finite: boolean } | null {
  const fused = fusedBackpropInput(rt, dy, w, at);
  if (fused) return fused;
  const { n, cIn, cOut, kh, kw, groups } = at;
  const ph = (kh - 1) * at.dilationH - at.padH;
  const pw = (kw - 1) * at.dilationW - at.padW;
  const coutG = cOut / groups;
  const cinG = cIn / groups;
  if (at.strideH !== 1 || at.strideW !== 1 || ph < 0 || pw < 0 || at.w < NR || coutG * kh * kw > MAX_K) return null;
  // Every input position sums over the whole flipped kernel, taps in the padding included, and whole 8-column
  // panels: that is (h*w)/(outH*outW) times the GEMM's multiply-adds, times the panel overlap. Unpadded convs on
  // small images (the MNIST CNN's second layer: 12x12 from 8x8, 3x the work) are faster through the GEMM.
  if (at.h * padCols(at.w) > MAX_EXTRA_WORK * at.outH * at.outW) return null;
  const heap = rt.heap;
  heap.reset();
  const dyAddr = putPadded(rt, dy, n * cOut, at.outH, at.outW, ph, pw);
  // wt[g][ic][oc][ky][kx] = w[g*coutG + oc][ic][kh-1-ky][kw-1-kx]
  const kk = kh * kw;
  const wt = new Float32Array(w.length);
  for (let g = 0; g < groups; g++)
    for (let oc = 0; oc < coutG; oc++)
      for (let ic = 0; ic < cinG; ic++) {
        const src = ((g * coutG + oc) * cinG + ic) * kk;
        const dst = ((g * cinG + ic) * coutG + oc) * kk;
        for (let t = 0; t < kk; t++) wt[dst + t] = w[src + kk - 1 - t];
      }
  const wAddr = heap.put(wt);
  const p: Plan = {
    n, groups, cinG: coutG, coutG: cinG, inH: at.outH + 2 * ph, inW: at.outW + 2 * pw, outH: at.h, outW: at.w,
    kh, kw, dilH: at.dilationH, dilW: at.dilationW, strideH: 1,
  };
  const yAddr = runForward(rt, p, dyAddr, wAddr, null);
  const padded = padRows(rt, cinG);
  const finite = rt.finiteSpan(yAddr, n * groups * padded * at.h * at.w);
  return { dx: copyPlanes(heap, yAddr, n, groups, cinG, padded, at.h * at.w), finite };
}

/** How convFilterGrad walks dy, [n][groups][2*pairs] planes: `rows` rows of `vecs` vectors per image plane. */
interface DyRows {
  addr: number;
  planeBytes: number;
  rows: number;
  vecs: number;
  dyRowBytes: number;
  /** Bytes from one output row's inputs to the next's. */
  xRowBytes: number;
}

/**
 * Most work the one-long-row form may add: its rows span the input's width, so (inW - outW) of every inW products
 * are against zeros (20 of 24 real on the no-pool CNN's conv2, 8 of 12 on the pooled CNN's).
 */
const LOCKSTEP_MAX_EXTRA = 1.5;
/**
 * Fewest taps (input channels x kernel taps) for the long-row form. Laying dy out again costs a copy and a zero fill
 * per dy value, which meets 2 x taps multiply-adds: on the no-pool CNN's conv1 (25 taps) the form gained nothing on
 * one thread (25.9 -> 25.6 GFLOP/s) and cost 8-10% on two (0.60-0.62 -> 0.65-0.67 ms a step), while conv2 (250 taps)
 * gained 1.29x on one thread.
 */
const LOCKSTEP_MIN_TAPS = 100;

/**
 * The filter gradient's sums over an image as one long row instead of outH short ones. convFilterGrad runs rows of
 * few vectors far below its speed on long ones (one thread: 20x20 outputs, rows of 5 vectors, 30 GFLOP/s; the same
 * sums as one row of 480, 42.7; rows of 32 vectors, 48; bench/conv-filter-rows.ts). So dy is laid out with the
 * input's row pitch, zeros past column outW, and each image's plane is one row of outH * inW values whose x partner
 * at tap offset o is x[o + i]: output (oh, ow) meets input (oh + ky, ow + kx) as before, and the padding columns
 * meet input values past the row's end (the next row, or past the plane for the last output row) times zero.
 *
 * That is only the same sum when those values are finite (zero times Inf is NaN), so it needs a finite x, and the
 * last image, whose last row would read past x, keeps the short rows. Stride 1 only: each output row must start
 * one input row after the one before. Returns the long rows, in room for the padded dy of all but the last image
 * (zeroed and filled by the parts that read it), or null for short rows throughout.
 */
function lockstepRows(rt: WasmRuntime, xAddr: number, p: Plan, pairs: number, x: Float32Array): DyRows | null {
  const { n, groups, cinG, inH, inW, outH, outW, strideH } = p;
  const plane = outH * inW;
  if (strideH !== 1 || n < 2 || plane % 4 !== 0 || inW > LOCKSTEP_MAX_EXTRA * outW || cinG * p.kh * p.kw < LOCKSTEP_MIN_TAPS) return null;
  if (!knownFinite(x) && !rt.finiteSpan(xAddr, n * groups * cinG * inH * inW)) return null;
  // The rows are zero-padded and copied in by the parts that read them (directConv2DBackpropFilter).
  return { addr: rt.heap.alloc((n - 1) * groups * 2 * pairs * plane), planeBytes: plane * 4, rows: 1, vecs: plane / 4, dyRowBytes: 0, xRowBytes: 0 };
}

/** Conv2DBackpropFilter by direct dot products along output rows, or null when the shape needs im2col. */
export function directConv2DBackpropFilter(rt: WasmRuntime, x: Float32Array, dy: Float32Array, at: Conv2DAttrs): { dw: Float32Array; finite: boolean } | null {
  const { n, cIn, cOut, kh, kw, groups, outH, outW } = at;
  if (at.strideW !== 1 || outW % 4 !== 0) return null;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const kc = cinG * kh * kw;
  const quads = Math.ceil(kc / 4);
  const pairs = Math.ceil(coutG / 2);
  const plane = outH * outW;
  const heap = rt.heap;
  heap.reset();
  const inH = at.h + 2 * at.padH;
  const inW = at.w + 2 * at.padW;
  const xAddr = putPadded(rt, x, n * cIn, at.h, at.w, at.padH, at.padW);
  // dy as [n][groups][2*pairs][plane]: an odd channel count gets a zero plane, whose sums are dropped.
  let dyAddr: number;
  if (coutG === 2 * pairs) dyAddr = heap.use(dy);
  else {
    dyAddr = heap.zeros(n * groups * 2 * pairs * plane);
    for (let b = 0; b < n; b++)
      for (let g = 0; g < groups; g++) {
        const s = (b * cOut + g * coutG) * plane;
        heap.f32.set(dy.subarray(s, s + coutG * plane), (dyAddr >> 2) + (b * groups + g) * 2 * pairs * plane);
      }
  }
  const p: Plan = { n, groups, cinG, coutG, inH, inW, outH, outW, kh, kw, dilH: at.dilationH, dilW: at.dilationW, strideH: at.strideH };
  const offs = tapOffsets(heap, p, quads * 4);
  const partFloats = pairs * quads * 32;
  const part = heap.zeros(groups * partFloats);
  const fn = rt.fn('convFilterGrad');
  const imageIn = cIn * inH * inW * 4;
  // The output rows as they are; all but the last image as one long row each where lockstepRows allows.
  const short: DyRows = { addr: dyAddr, planeBytes: plane * 4, rows: outH, vecs: outW / 4, dyRowBytes: outW * 4, xRowBytes: at.strideH * inW * 4 };
  const long = lockstepRows(rt, xAddr, p, pairs, x);
  const spans: Array<[DyRows, number, number]> = long ? [[long, 0, n - 1], [short, n - 1, n]] : [[short, 0, n]];
  const copy = rt.fn('copyRows');
  const zero = rt.fn('zeroBytes');
  const parts = rt.halves(pairs, n * groups * pairs * 2 * kc * plane, SPLIT_MIN).map(([q0, q1]) => {
    const calls: Call[] = [];
    // Each part lays out its own channels' dy rows at the input's pitch, zeros between them.
    if (long)
      for (let b = 0; b < n - 1; b++)
        for (let g = 0; g < groups; g++) {
          const planeAt = (b * groups + g) * 2 * pairs + 2 * q0;
          calls.push([zero, [long.addr + planeAt * long.planeBytes, 2 * (q1 - q0) * long.planeBytes]]);
          calls.push([copy, [dyAddr + planeAt * plane * 4, long.addr + planeAt * long.planeBytes, 2 * (q1 - q0), outH, outW * 4, outW * 4, plane * 4, inW * 4, long.planeBytes]]);
        }
    for (const [d, b0, b1] of spans) {
      const imageDy = groups * 2 * pairs * d.planeBytes;
      // Images per call: enough vector steps (rows x vectors) to repay loading and storing the 8 sums of each (q, t)
      // block; conv2 of the MNIST CNN (8x8 outputs, 16 steps an image) takes 16 images a call.
      const perCall = Math.max(1, Math.ceil(FILTER_STEPS_PER_CALL / (d.rows * d.vecs)));
      for (let b = b0; b < b1; b += perCall)
        for (let g = 0; g < groups; g++)
          calls.push([fn, [
            q1 - q0, quads, xAddr + b * imageIn + g * cinG * inH * inW * 4, d.xRowBytes, offs,
            d.addr + b * imageDy + (g * 2 * pairs + 2 * q0) * d.planeBytes, d.planeBytes, d.dyRowBytes, d.rows, d.vecs,
            part + (g * partFloats + q0 * quads * 32) * 4, Math.min(perCall, b1 - b), imageIn, imageDy,
          ]]);
    }
    return calls;
  });
  rt.runParts(parts);
  // Sum each accumulator's four lanes: part[(q*quads + t)*32 + ((oc&1)*4 + (k&3))*4 + lane].
  const dw = new Float32Array(cOut * kc);
  const f32 = heap.f32;
  let finite = true;
  for (let g = 0; g < groups; g++)
    for (let oc = 0; oc < coutG; oc++)
      for (let k = 0; k < kc; k++) {
        const s = (part >> 2) + g * partFloats + ((oc >> 1) * quads + (k >> 2)) * 32 + ((oc & 1) * 4 + (k & 3)) * 4;
        const at = (g * coutG + oc) * kc + k;
        dw[at] = f32[s] + f32[s + 1] + (f32[s + 2] + f32[s + 3]);
        finite &&= Number.isFinite(dw[at]);
      }
  return { dw, finite };
}
