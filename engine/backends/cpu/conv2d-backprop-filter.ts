// Reference gradient of Conv2D with respect to its weights: each weight's gradient is the correlation of the
// input window it touched with the output gradient, summed over batch and positions (in a float64 accumulator).
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { validRange } from './conv-range';

export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, at: Conv2DAttrs): Float32Array {
  const { n, cIn, h, w: wd, cOut, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = at;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const dw = new Float32Array(cOut * cinG * kh * kw);
  const plane = outH * outW;
  for (let oc = 0; oc < cOut; oc++) {
    const g = Math.floor(oc / coutG);
    for (let icg = 0; icg < cinG; icg++) {
      for (let ky = 0; ky < kh; ky++) {
        const [ohLo, ohHi] = validRange(outH, h, strideH, padH, ky * dilationH);
        for (let kx = 0; kx < kw; kx++) {
          const [owLo, owHi] = validRange(outW, wd, strideW, padW, kx * dilationW);
          let sum = 0;
          for (let b = 0; b < n; b++) {
            const xOff = (b * cIn + g * cinG + icg) * h * wd;
            const dyOff = (b * cOut + oc) * plane;
            for (let oh = ohLo; oh < ohHi; oh++) {
              const xRow = xOff + (oh * strideH - padH + ky * dilationH) * wd - padW + kx * dilationW;
              const dyRow = dyOff + oh * outW;
              for (let ow = owLo; ow < owHi; ow++) sum += x[xRow + ow * strideW] * dy[dyRow + ow];
            }
          }
          dw[((oc * cinG + icg) * kh + ky) * kw + kx] = sum;
        }
      }
    }
  }
  return dw;
}
