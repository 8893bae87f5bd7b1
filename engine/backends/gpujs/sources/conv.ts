// gpu.js sources of the 2-D convolution and its two gradients, each in gather form (one output value per thread,
// so no atomics).
import { gpuKernel } from '../compile';

/** y[b,oc,oh,ow] of a grouped, strided, dilated, padded cross-correlation. */
export const CONV2D = gpuKernel('conv2d', `function (x, w, bias) {
  const plane = this.constants.outH * this.constants.outW;
  const b = Math.floor(this.thread.x / (this.constants.cOut * plane));
  let r = this.thread.x - b * this.constants.cOut * plane;
  const oc = Math.floor(r / plane);
  r = r - oc * plane;
  const oh = Math.floor(r / this.constants.outW);
  const ow = r - oh * this.constants.outW;
  const g = Math.floor(oc / this.constants.coutG);
  let s = bias[oc];
  for (let icg = 0; icg < this.constants.cinG; icg++) {
    for (let ky = 0; ky < this.constants.kh; ky++) {
      const ih = oh * this.constants.strideH - this.constants.padH + ky * this.constants.dilationH;
      if (ih >= 0 && ih < this.constants.h) {
        for (let kx = 0; kx < this.constants.kw; kx++) {
          const iw = ow * this.constants.strideW - this.constants.padW + kx * this.constants.dilationW;
          if (iw >= 0 && iw < this.constants.w) {
            const xi = ((b * this.constants.cIn + g * this.constants.cinG + icg) * this.constants.h + ih) * this.constants.w + iw;
            const wi = ((oc * this.constants.cinG + icg) * this.constants.kh + ky) * this.constants.kw + kx;
            s += x[xi] * w[wi];
          }
        }
      }
    }
  }
  return s;
}`);

/** dx[b,ic,ih,iw]: gather form of the input gradient (each input element sums the outputs whose window held it). */
export const CONV2D_DX = gpuKernel('conv2dBackpropInput', `function (dy, w) {
  const hw = this.constants.h * this.constants.w;
  const b = Math.floor(this.thread.x / (this.constants.cIn * hw));
  let r = this.thread.x - b * this.constants.cIn * hw;
  const ic = Math.floor(r / hw);
  r = r - ic * hw;
  const ih = Math.floor(r / this.constants.w);
  const iw = r - ih * this.constants.w;
  const g = Math.floor(ic / this.constants.cinG);
  const icg = ic - g * this.constants.cinG;
  let s = 0;
  for (let o = 0; o < this.constants.coutG; o++) {
    const oc = g * this.constants.coutG + o;
    for (let ky = 0; ky < this.constants.kh; ky++) {
      const th = ih + this.constants.padH - ky * this.constants.dilationH;
      const oh = Math.floor(th / this.constants.strideH);
      if (th >= 0 && oh * this.constants.strideH == th && oh < this.constants.outH) {
        for (let kx = 0; kx < this.constants.kw; kx++) {
          const tw = iw + this.constants.padW - kx * this.constants.dilationW;
          const ow = Math.floor(tw / this.constants.strideW);
          if (tw >= 0 && ow * this.constants.strideW == tw && ow < this.constants.outW) {
            const dyi = ((b * this.constants.cOut + oc) * this.constants.outH + oh) * this.constants.outW + ow;
            const wi = ((oc * this.constants.cinG + icg) * this.constants.kh + ky) * this.constants.kw + kx;
            s += dy[dyi] * w[wi];
          }
        }
      }
    }
  }
  return s;
}`);

/** dw[oc,icg,ky,kx]: correlation of the input window with the output gradient over batch and positions. */
export const CONV2D_DW = gpuKernel('conv2dBackpropFilter', `function (x, dy) {
  const kk = this.constants.kh * this.constants.kw;
  const oc = Math.floor(this.thread.x / (this.constants.cinG * kk));
  let r = this.thread.x - oc * this.constants.cinG * kk;
  const icg = Math.floor(r / kk);
  r = r - icg * kk;
  const ky = Math.floor(r / this.constants.kw);
  const kx = r - ky * this.constants.kw;
  const ic = Math.floor(oc / this.constants.coutG) * this.constants.cinG + icg;
  let s = 0;
  for (let b = 0; b < this.constants.n; b++) {
    for (let oh = 0; oh < this.constants.outH; oh++) {
      const ih = oh * this.constants.strideH - this.constants.padH + ky * this.constants.dilationH;
      if (ih >= 0 && ih < this.constants.h) {
        for (let ow = 0; ow < this.constants.outW; ow++) {
          const iw = ow * this.constants.strideW - this.constants.padW + kx * this.constants.dilationW;
          if (iw >= 0 && iw < this.constants.w) {
            s += x[((b * this.constants.cIn + ic) * this.constants.h + ih) * this.constants.w + iw] *
              dy[((b * this.constants.cOut + oc) * this.constants.outH + oh) * this.constants.outW + ow];
          }
        }
      }
    }
  }
  return s;
}`);
