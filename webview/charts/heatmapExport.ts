// The heatmap's exports: SVG (the legend and the chart, with the canvas cells as an embedded image clipped to the
// plot; PNG is rendered from it), CSV (one column per layer, headed by the layer's path and name) and JSON.
import { crispDataUrl, jsonNumber, serializeSvg, SVG_NS, toCsv } from '../export';
import type { LayerRow, RunStore } from '../store';
import { cloneAsGroup } from './svg';

export interface HeatmapSvgParts {
  legend: SVGSVGElement;
  chart: SVGSVGElement;
  canvas: HTMLCanvasElement;
  width: number;
  plotWidth: number;
  plotHeight: number;
  background: string;
}

export function heatmapSvg(p: HeatmapSvgParts): { svg: string; width: number; height: number } {
  const legendH = Number(p.legend.getAttribute('height') ?? 0);
  const mainH = Number(p.chart.getAttribute('height') ?? 0);
  const { width } = p;
  const height = legendH + mainH;
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', p.background);
  out.appendChild(bg);
  out.appendChild(cloneAsGroup(p.legend, 0));
  const main = cloneAsGroup(p.chart, legendH);
  main.querySelector('rect.hit')?.remove();
  const plot = main.querySelector('g.plot');
  if (plot) {
    const clipId = 'gl-heatmap-clip';
    const defs = document.createElementNS(SVG_NS, 'defs');
    const cp = document.createElementNS(SVG_NS, 'clipPath');
    cp.setAttribute('id', clipId);
    const cr = document.createElementNS(SVG_NS, 'rect');
    cr.setAttribute('width', String(p.plotWidth));
    cr.setAttribute('height', String(p.plotHeight));
    cp.appendChild(cr);
    defs.appendChild(cp);
    out.insertBefore(defs, out.firstChild);
    const img = document.createElementNS(SVG_NS, 'image');
    img.setAttribute('x', '0');
    img.setAttribute('y', '0');
    img.setAttribute('width', String(p.plotWidth));
    img.setAttribute('height', String(p.plotHeight));
    img.setAttribute('preserveAspectRatio', 'none');
    img.setAttribute('clip-path', `url(#${clipId})`);
    img.setAttribute('href', crispDataUrl(p.canvas, p.plotWidth, p.plotHeight));
    plot.insertBefore(img, plot.firstChild);
  }
  out.appendChild(main);
  return { svg: serializeSvg(out), width, height };
}

/** A CSV column header that tells layers apart: ten `Linear(64, 64)` in a loop differ only in their path. */
export function csvHeader(row: LayerRow): string {
  return row.id && row.id !== row.name ? `${row.id} ${row.name}` : row.name;
}

export function heatmapCsv(store: RunStore, cols: readonly ArrayLike<number>[]): string {
  const rows: (string | number)[][] = [['step', ...store.rows.map(csvHeader)]];
  for (let i = 0; i < store.statSteps.length; i++) {
    rows.push([store.statSteps.get(i), ...cols.map((c) => c[i])]);
  }
  return toCsv(rows);
}

export function heatmapJson(store: RunStore, metric: { id: string; label: string }, cols: readonly ArrayLike<number>[]): string {
  return JSON.stringify({
    metric: metric.id,
    label: metric.label,
    layers: store.rows.map((r) => ({ id: r.id, name: r.name, source: r.source })),
    steps: Array.from(store.statSteps.view()),
    values: cols.map((c) => Array.from(c, jsonNumber)),
  });
}
