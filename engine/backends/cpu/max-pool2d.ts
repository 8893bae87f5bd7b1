// Reference MaxPool2D with PyTorch's rules: padding never wins (it is -infinity), the first maximum in
// row-major window order wins ties, and a NaN in the window propagates (as torch does).
import type { Pool2DAttrs } from '../../kernels/kernel-map';

export function maxPool2d(x: Float32Array, at: Pool2DAttrs): { y: Float32Array; argmax: Int32Array } {
  const { n, c, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW } = at;
  const y = new Float32Array(n * c * outH * outW);
  const argmax = new Int32Array(y.length);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const xOff = plane * h * w;
    for (let oh = 0; oh < outH; oh++) {
      const y0 = oh * strideH - padH;
      const yLo = Math.max(y0, 0), yHi = Math.min(y0 + kh, h);
      for (let ow = 0; ow < outW; ow++) {
        const x0 = ow * strideW - padW;
        const xLo = Math.max(x0, 0), xHi = Math.min(x0 + kw, w);
        let best = -Infinity;
        let idx = -1;
        for (let iy = yLo; iy < yHi; iy++) {
          for (let ix = xLo; ix < xHi; ix++) {
            const v = x[xOff + iy * w + ix];
            if (v > best || Number.isNaN(v) || idx < 0) {
              best = v;
              idx = iy * w + ix;
              if (Number.isNaN(v)) break;
            }
          }
          if (Number.isNaN(best)) break;
        }
        y[o] = best;
        argmax[o] = idx;
        o++;
      }
    }
  }
  return { y, argmax };
}

/** Scatters each output gradient to the input its window took; overlapping windows add up. */
export function maxPool2dBackward(dy: Float32Array, argmax: Int32Array, at: Pool2DAttrs): Float32Array {
  const planes = at.n * at.c;
  const inPlane = at.h * at.w;
  const outPlane = at.outH * at.outW;
  const gx = new Float32Array(planes * inPlane);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < outPlane; i++) {
      const idx = argmax[p * outPlane + i];
      if (idx >= 0) gx[p * inPlane + idx] += dy[p * outPlane + i];
    }
  }
  return gx;
}
