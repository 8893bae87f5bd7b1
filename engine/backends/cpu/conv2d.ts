// Reference Conv2D (cross-correlation, as torch.nn.functional.conv2d): a direct loop ordered so the innermost
// loop runs along an output row with a fixed weight, which keeps it simple and contiguous.
import type { Conv2DAttrs } from '../../kernels/kernel-map';
import { validRange } from './conv-range';

export function conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, at: Conv2DAttrs): Float32Array {
  const { n, cIn, h, w: wd, cOut, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = at;
  const cinG = cIn / groups;
  const coutG = cOut / groups;
  const y = new Float32Array(n * cOut * outH * outW);
  const plane = outH * outW;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cOut; oc++) {
      const g = Math.floor(oc / coutG);
      const yOff = (b * cOut + oc) * plane;
      if (bias) y.fill(bias[oc], yOff, yOff + plane);
      for (let icg = 0; icg < cinG; icg++) {
        const xOff = (b * cIn + g * cinG + icg) * h * wd;
        for (let ky = 0; ky < kh; ky++) {
          const [ohLo, ohHi] = validRange(outH, h, strideH, padH, ky * dilationH);
          for (let kx = 0; kx < kw; kx++) {
            const wv = w[((oc * cinG + icg) * kh + ky) * kw + kx];
            const [owLo, owHi] = validRange(outW, wd, strideW, padW, kx * dilationW);
            for (let oh = ohLo; oh < ohHi; oh++) {
              const xRow = xOff + (oh * strideH - padH + ky * dilationH) * wd - padW + kx * dilationW;
              const yRow = yOff + oh * outW;
              for (let ow = owLo; ow < owHi; ow++) y[yRow + ow] += wv * x[xRow + ow * strideW];
            }
          }
        }
      }
    }
  }
  return y;
}
