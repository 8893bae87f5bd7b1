// Colours the heatmap's raster (stepRaster.ts) into its canvas at one canvas pixel per raster column and row,
// through the colour scale's lookup table; the canvas is stretched over the plot by CSS.
import { LUT_SIZE, type ColourScale } from '../colour';
import type { MetricDef } from '../metrics';
import type { StepRaster } from './stepRaster';

function pick(raster: StepRaster, def: MetricDef, r: number, px: number): number {
  const lo = raster.min[r][px];
  const hi = raster.max[r][px];
  switch (def.pick) {
    case 'max':
      return hi;
    case 'min':
      return lo;
    case 'absMax':
      return Math.abs(lo) > Math.abs(hi) ? lo : hi;
  }
}

/** Paints columns [from, width) (all of them when the canvas changes size); returns the image to keep for next time. */
export function paintRaster(
  canvas: HTMLCanvasElement,
  image: ImageData | undefined,
  raster: StepRaster,
  scale: ColourScale,
  def: MetricDef,
  from: number,
): ImageData | undefined {
  const w = raster.width;
  const h = Math.max(1, raster.rows);
  const ctx = canvas.getContext('2d');
  if (!ctx) return image;
  if (canvas.width !== w || canvas.height !== h || !image) {
    canvas.width = w;
    canvas.height = h;
    image = ctx.createImageData(w, h);
    from = 0;
  }
  const start = Math.max(0, Math.min(from, w));
  if (start >= w) return image;
  const data = image.data;
  const lut = scale.lut;
  const [lo, hi] = scale.domain;
  const span = hi - lo;
  const log = scale.log;
  const last = LUT_SIZE - 1;
  for (let r = 0; r < raster.rows; r++) {
    for (let b = start; b < w; b++) {
      const o = (r * w + b) * 4;
      const v = pick(raster, def, r, b);
      if (v !== v) {
        data[o + 3] = 0;
        continue;
      }
      // Inlined lutIndex(): this loop runs for every cell on a full redraw.
      const x = log ? (v > 0 ? Math.log10(v) : -Infinity) : v;
      let t = (x - lo) / span;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const k = Math.round(t * last) * 4;
      data[o] = lut[k];
      data[o + 1] = lut[k + 1];
      data[o + 2] = lut[k + 2];
      data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0, start, 0, w - start, h);
  return image;
}
