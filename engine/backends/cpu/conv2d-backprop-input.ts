// Reference gradient of Conv2D with respect to its input: every output gradient is scattered back through the
// same window the forward pass read, so padding, stride, dilation and groups need no separate derivation.
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { validRange } from './conv-range';

export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, at: Conv2DAttrs): Float32Array {
  const { n, cIn, h, w: wd, cOut, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = at;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const dx = new Float32Array(n * cIn * h * wd);
  const plane = outH * outW;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cOut; oc++) {
      const g = Math.floor(oc / coutG);
      const dyOff = (b * cOut + oc) * plane;
      for (let icg = 0; icg < cinG; icg++) {
        const xOff = (b * cIn + g * cinG + icg) * h * wd;
        for (let ky = 0; ky < kh; ky++) {
          const [ohLo, ohHi] = validRange(outH, h, strideH, padH, ky * dilationH);
          for (let kx = 0; kx < kw; kx++) {
            const wv = w[((oc * cinG + icg) * kh + ky) * kw + kx];
            const [owLo, owHi] = validRange(outW, wd, strideW, padW, kx * dilationW);
            for (let oh = ohLo; oh < ohHi; oh++) {
              const xRow = xOff + (oh * strideH - padH + ky * dilationH) * wd - padW + kx * dilationW;
              const dyRow = dyOff + oh * outW;
              for (let ow = owLo; ow < owHi; ow++) dx[xRow + ow * strideW] += wv * dy[dyRow + ow];
            }
          }
        }
      }
    }
  }
  return dx;
}
