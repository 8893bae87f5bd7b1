// Turning charts into files: standalone SVG text, PNG rasterised from that SVG, CSV and JSON. The chart draws its
// own colours as attributes (see theme.ts), so the SVG needs no stylesheet to look the same outside the page.

export interface ExportableChart {
  /** File name stem, e.g. "heatmap-gradNorm". */
  fileStem(): string;
  /** A standalone SVG document and its size in CSS pixels. */
  toSvg(): { svg: string; width: number; height: number };
  toCsv(): string;
  toJson(): string;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function serializeSvg(svg: SVGSVGElement): string {
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  return new XMLSerializer().serializeToString(svg);
}

/** Rasterises SVG text to a PNG data URL at `scale` device pixels per CSS pixel. */
export function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<string> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = Math.ceil(width * scale);
      c.height = Math.ceil(height * scale);
      const ctx = c.getContext('2d');
      if (!ctx) return reject(new Error('no 2d context for PNG export'));
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, width, height);
      resolve(c.toDataURL('image/png'));
    };
    img.onerror = () => reject(new Error('the SVG could not be rasterised'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}

/** Copy of a canvas scaled up without smoothing, so heatmap cells stay crisp in an exported image. */
export function crispDataUrl(canvas: HTMLCanvasElement, width: number, height: number): string {
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(width * 2));
  c.height = Math.max(1, Math.round(height * 2));
  const ctx = c.getContext('2d');
  if (!ctx || canvas.width === 0 || canvas.height === 0) return c.toDataURL('image/png');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(canvas, 0, 0, c.width, c.height);
  return c.toDataURL('image/png');
}

function csvCell(v: string | number | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(rows: readonly (readonly (string | number | undefined | null)[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** JSON numbers cannot be NaN/Infinity: write null / strings so the file parses back. */
export function jsonNumber(v: number): number | string | null {
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v;
}
