// Pooling over [N, C, H, W] (or unbatched [C, H, W]): F.max_pool2d on the MaxPool2D kernel (its argmax routes
// the gradient), F.avg_pool2d and F.adaptive_avg_pool2d as plain loops here (cheap next to the convolutions
// around them). Output sizes, ceil_mode and the average's divisor follow PyTorch's pooling rules exactly.
import { makeOp } from '../autograd';
import { ShapeError, shapeStr } from '../errors';
import { runKernel } from '../kernels/registry';
import type { Pool2DAttrs } from '../kernels/kernel-map';
import type { Tensor } from '../tensor';
import { ntuple, type IntOrPair } from './conv';
import { reshape } from './shape';

export interface PoolOptions {
  /** Defaults to kernel_size. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceil_mode?: boolean;
  /** Max pooling only, and only 1 (the MaxPool2D kernel has no dilation). */
  dilation?: IntOrPair;
}

export interface AvgPoolOptions extends PoolOptions {
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

function isOptions(v: unknown): v is PoolOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** PyTorch's pooling_output_shape: with ceil_mode the last window must still start inside the input or left pad. */
function outSize(inSize: number, k: number, pad: number, stride: number, ceil: boolean): number {
  let out = Math.floor((inSize + 2 * pad - k + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

/** Validates the input and window; returns the batched input, whether it was unbatched, and the attributes. */
function setup(op: string, input: Tensor, kernel_size: IntOrPair, o: PoolOptions): [Tensor, boolean, Pool2DAttrs] {
  const r = input.shape.length;
  if (r !== 4 && r !== 3) throw new ShapeError(op, 'input must be 4-D (or 3-D unbatched)', '[N, C, H, W]', shapeStr(input.shape));
  const x = r === 4 ? input : reshape(input, [1, ...input.shape], op);
  const [n, c, h, w] = x.shape;
  const [kh, kw] = ntuple(kernel_size, 2, 'kernel_size', 1);
  const [strideH, strideW] = ntuple(o.stride ?? [kh, kw], 2, 'stride', 1);
  const [padH, padW] = ntuple(o.padding ?? 0, 2, 'padding');
  if (padH > kh / 2 || padW > kw / 2) throw new Error(`${op}: pad should be at most half of kernel size, got padding=${padH},${padW} for kernel ${kh}x${kw}`);
  const ceil = o.ceil_mode ?? false;
  const outH = outSize(h, kh, padH, strideH, ceil);
  const outW = outSize(w, kw, padW, strideW, ceil);
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(op, `input of ${h}x${w} (padded ${h + 2 * padH}x${w + 2 * padW}) is smaller than the ${kh}x${kw} window`);
  }
  return [x, r === 3, { n, c, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW }];
}

const unbatch = (y: Tensor, unbatched: boolean, op: string): Tensor => (unbatched ? reshape(y, y.shape.slice(1), op) : y);

/**
 * F.max_pool2d(input, kernel_size, stride=kernel_size, padding=0, dilation=1, ceil_mode=false), or with the
 * keyword arguments as an options object: F.max_pool2d(x, 3, { stride: 2, padding: 1 }). Only dilation 1.
 */
export function max_pool2d(
  input: Tensor,
  kernel_size: IntOrPair,
  stride: IntOrPair | null | PoolOptions = null,
  padding: IntOrPair = 0,
  dilation: IntOrPair = 1,
  ceil_mode = false,
): Tensor {
  const o: PoolOptions = isOptions(stride) ? stride : { stride, padding, dilation, ceil_mode };
  if (ntuple(o.dilation ?? 1, 2, 'dilation', 1).some((d) => d !== 1)) throw new Error('max_pool2d: dilation other than 1 is not supported');
  const [x, unbatched, at] = setup('max_pool2d', input, kernel_size, o);
  const { y, argmax } = runKernel('MaxPool2D', x.data, at);
  // Windows that never overlap scatter each gradient to its own element: no sums, so nothing can overflow.
  const keepsFinite = at.strideH >= at.kh && at.strideW >= at.kw ? 'both' : 'forward';
  const out = makeOp('max_pool2d', [x], y, [at.n, at.c, at.outH, at.outW], (g) => [runKernel('MaxPool2DBackward', g, argmax, at)], { keepsFinite });
  return unbatch(out, unbatched, 'max_pool2d');
}

/**
 * F.avg_pool2d(input, kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true,
 * divisor_override=null), or with the keyword arguments as an options object in the stride position.
 */
export function avg_pool2d(
  input: Tensor,
  kernel_size: IntOrPair,
  stride: IntOrPair | null | AvgPoolOptions = null,
  padding: IntOrPair = 0,
  ceil_mode = false,
  count_include_pad = true,
  divisor_override: number | null = null,
): Tensor {
  const o: AvgPoolOptions = isOptions(stride) ? stride : { stride, padding, ceil_mode, count_include_pad, divisor_override };
  const [x, unbatched, at] = setup('avg_pool2d', input, kernel_size, o);
  const { n, c, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW } = at;
  const includePad = o.count_include_pad ?? true;
  const override = o.divisor_override ?? null;
  if (override !== null && override === 0) throw new Error('avg_pool2d: divisor must be not zero');
  // Per output position: the clipped window and its divisor (the same for every plane).
  const nOut = outH * outW;
  const win = new Int32Array(nOut * 4);
  const inv = new Float64Array(nOut);
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      let y0 = oh * strideH - padH;
      let x0 = ow * strideW - padW;
      let y1 = Math.min(y0 + kh, h + padH);
      let x1 = Math.min(x0 + kw, w + padW);
      const padded = (y1 - y0) * (x1 - x0);
      y0 = Math.max(y0, 0);
      x0 = Math.max(x0, 0);
      y1 = Math.min(y1, h);
      x1 = Math.min(x1, w);
      const k = oh * outW + ow;
      win.set([y0, y1, x0, x1], k * 4);
      inv[k] = 1 / (override ?? (includePad ? padded : (y1 - y0) * (x1 - x0)));
    }
  }
  const y = new Float32Array(n * c * nOut);
  const xd = x.data;
  for (let p = 0; p < n * c; p++) {
    const xOff = p * h * w;
    for (let k = 0; k < nOut; k++) {
      let s = 0;
      for (let iy = win[4 * k]; iy < win[4 * k + 1]; iy++) {
        for (let ix = win[4 * k + 2]; ix < win[4 * k + 3]; ix++) s += xd[xOff + iy * w + ix];
      }
      y[p * nOut + k] = s * inv[k];
    }
  }
  const out = makeOp('avg_pool2d', [x], y, [n, c, outH, outW], (g) => {
    const gx = new Float32Array(xd.length);
    for (let p = 0; p < n * c; p++) {
      const xOff = p * h * w;
      for (let k = 0; k < nOut; k++) {
        const gv = g[p * nOut + k] * inv[k];
        for (let iy = win[4 * k]; iy < win[4 * k + 1]; iy++) {
          for (let ix = win[4 * k + 2]; ix < win[4 * k + 3]; ix++) gx[xOff + iy * w + ix] += gv;
        }
      }
    }
    return [gx];
  });
  return unbatch(out, unbatched, 'avg_pool2d');
}

/** The [start, end) of adaptive bin i of `out` over `size` (PyTorch's start_index / end_index). */
function bin(i: number, out: number, size: number): [number, number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

/** F.adaptive_avg_pool2d(input, output_size): output_size is an int or [H_out, W_out] (null keeps that input size). */
export function adaptive_avg_pool2d(input: Tensor, output_size: number | readonly (number | null)[]): Tensor {
  const r = input.shape.length;
  if (r !== 4 && r !== 3) throw new ShapeError('adaptive_avg_pool2d', 'input must be 4-D (or 3-D unbatched)', '[N, C, H, W]', shapeStr(input.shape));
  const x = r === 4 ? input : reshape(input, [1, ...input.shape], 'adaptive_avg_pool2d');
  const [n, c, h, w] = x.shape;
  const sizes = typeof output_size === 'number' ? [output_size, output_size] : [output_size[0] ?? h, output_size[1] ?? w];
  const [outH, outW] = ntuple(sizes, 2, 'output_size', 1);
  const nOut = outH * outW;
  const y = new Float32Array(n * c * nOut);
  const xd = x.data;
  const plane = h * w;
  const forEachBin = (fn: (p: number, k: number, y0: number, y1: number, x0: number, x1: number) => void): void => {
    for (let p = 0; p < n * c; p++) {
      for (let oh = 0; oh < outH; oh++) {
        const [y0, y1] = bin(oh, outH, h);
        for (let ow = 0; ow < outW; ow++) {
          const [x0, x1] = bin(ow, outW, w);
          fn(p, oh * outW + ow, y0, y1, x0, x1);
        }
      }
    }
  };
  forEachBin((p, k, y0, y1, x0, x1) => {
    let s = 0;
    for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += xd[p * plane + iy * w + ix];
    y[p * nOut + k] = s / ((y1 - y0) * (x1 - x0));
  });
  const out = makeOp('adaptive_avg_pool2d', [x], y, [n, c, outH, outW], (g) => {
    const gx = new Float32Array(xd.length);
    forEachBin((p, k, y0, y1, x0, x1) => {
      const gv = g[p * nOut + k] / ((y1 - y0) * (x1 - x0));
      for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) gx[p * plane + iy * w + ix] += gv;
    });
    return [gx];
  });
  return unbatch(out, r === 3, 'adaptive_avg_pool2d');
}
