// gpu.js sources of max pooling and its backward (gather form: each input element collects its windows).
import { gpuKernel } from '../compile';

/**
 * Max pooling: the value (want = 0) or its index in the [H*W] plane (want = 1, -1 when the window is all
 * padding). First maximum in row-major order wins ties; a NaN wins and stops the search, as in torch.
 */
export const MAXPOOL = gpuKernel('maxPool', `function (x) {
  const plane = this.constants.outH * this.constants.outW;
  const pc = Math.floor(this.thread.x / plane);
  let r = this.thread.x - pc * plane;
  const oh = Math.floor(r / this.constants.outW);
  const ow = r - oh * this.constants.outW;
  let best = 0;
  let idx = -1;
  let stop = 0;
  for (let ky = 0; ky < this.constants.kh; ky++) {
    const ih = oh * this.constants.strideH - this.constants.padH + ky;
    for (let kx = 0; kx < this.constants.kw; kx++) {
      const iw = ow * this.constants.strideW - this.constants.padW + kx;
      if (stop == 0 && ih >= 0 && ih < this.constants.h && iw >= 0 && iw < this.constants.w) {
        const v = x[(pc * this.constants.h + ih) * this.constants.w + iw];
        if (idx < 0 || v > best || v != v) {
          best = v;
          idx = ih * this.constants.w + iw;
          if (v != v) { stop = 1; }
        }
      }
    }
  }
  if (this.constants.want == 1) { return idx; }
  if (idx < 0) { return -1.0 / 0.0; }
  return best;
}`);

/** One thread per input element: the output gradients of the windows whose maximum it was (argmax as floats). */
export const MAXPOOL_BACK = gpuKernel('maxPoolBack', `function (dy, argmax) {
  const inPlane = this.constants.h * this.constants.w;
  const p = Math.floor(this.thread.x / inPlane);
  const r = this.thread.x - p * inPlane;
  const iy = Math.floor(r / this.constants.w);
  const ix = r - iy * this.constants.w;
  let s = 0;
  for (let oy = 0; oy < this.constants.outH; oy++) {
    const y0 = oy * this.constants.strideH - this.constants.padH;
    if (iy >= y0 && iy < y0 + this.constants.kh) {
      for (let ox = 0; ox < this.constants.outW; ox++) {
        const x0 = ox * this.constants.strideW - this.constants.padW;
        if (ix >= x0 && ix < x0 + this.constants.kw) {
          const o = (p * this.constants.outH + oy) * this.constants.outW + ox;
          if (argmax[o] === r) {
            s += dy[o];
          }
        }
      }
    }
  }
  return s;
}`);
