// Distribution of one layer's activations or gradients over time: x = step, y = value, colour = how many values
// fell in that bin at that step. Each snapshot's bins are equal-width between its own min and max, so they are
// placed on a common value axis spanning all snapshots; intensity is normalised per snapshot so the shape stays
// visible when the layer's scale changes.
import { axisLeft, pointer, scaleLinear, select } from 'd3';
import type { Histogram } from '../../protocol/messages';
import { serializeSvg, SVG_NS, toCsv, type ExportableChart } from '../export';
import { fmtNum, shortLocation } from '../format';
import type { RunStore } from '../store';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import type { HistKind } from '../uiState';
import type { TimeLayout } from './layout';
import { drawStepAxis, ensure, styleAxis } from './svg';

const TOP = 8;
const PLOT_H = 150;
const BOTTOM = 26;
export const HIST_HEIGHT = TOP + PLOT_H + BOTTOM;

interface Snapshot {
  step: number;
  h: Histogram;
}

export class HistStrip implements ExportableChart {
  private readonly clip: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly svg: SVGSVGElement;
  private readonly empty: HTMLParagraphElement;
  private layerId?: string;
  private kind: HistKind = 'activation';
  private layout?: TimeLayout;
  private palette?: Palette;
  private snaps: Snapshot[] = [];
  /** Entries of the layer's series already collected. */
  private seen = 0;
  private y = scaleLinear();

  constructor(
    container: HTMLElement,
    private readonly store: RunStore,
    private readonly tooltip: Tooltip,
  ) {
    const doc = container.ownerDocument;
    const wrap = doc.createElement('div');
    wrap.className = 'gl-hist-wrap';
    this.clip = doc.createElement('div');
    this.clip.className = 'gl-hist-clip';
    this.canvas = doc.createElement('canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.clip.appendChild(this.canvas);
    this.svg = doc.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('gl-hist-svg');
    this.svg.setAttribute('role', 'img');
    this.empty = doc.createElement('p');
    this.empty.className = 'gl-empty';
    wrap.append(this.clip, this.svg);
    container.append(wrap, this.empty);
  }

  /** Returns true when the selection changed (the strip must be redrawn). */
  setSelection(layerId: string | undefined, kind: HistKind): boolean {
    const changed = layerId !== this.layerId || kind !== this.kind;
    this.layerId = layerId;
    this.kind = kind;
    return changed;
  }

  get selectedLayer(): string | undefined {
    return this.layerId;
  }

  /** Snapshots of the selected layer and kind from `from` (an index into the layer's series) on. */
  private collect(from: number): void {
    const series = this.layerId === undefined ? undefined : this.store.hist.get(this.layerId);
    if (from === 0) this.snaps = [];
    if (!series) return;
    const hs = this.kind === 'activation' ? series.activation : series.gradient;
    for (let j = from; j < series.steps.length; j++) {
      const h = hs[j];
      if (h && h.counts.length > 0 && Number.isFinite(h.min) && Number.isFinite(h.max)) {
        this.snaps.push({ step: series.steps[j], h });
      }
    }
    this.seen = series.steps.length;
  }

  /**
   * New snapshots for the shown layer, axes unchanged: paint only them (and the previous one, whose column now
   * ends at the new snapshot), unless they widen the value range.
   */
  append(layout: TimeLayout, palette: Palette): void {
    const before = this.snaps.length;
    this.collect(this.seen);
    const [lo, hi] = this.y.domain();
    const fits = this.snaps.slice(before).every((s) => s.h.min >= lo && s.h.max <= hi);
    if (!fits || before === 0 || !this.layout) return this.render(layout, palette);
    this.paint(layout, palette, before - 1);
  }

  render(layout: TimeLayout, palette: Palette): void {
    this.layout = layout;
    this.palette = palette;
    this.collect(0);
    const row = this.layerId === undefined ? undefined : this.store.rows[this.store.rowOf(this.layerId) ?? -1];
    const name = row ? `${row.name}${row.source ? ` (${shortLocation(row.source)})` : ''}` : (this.layerId ?? '');
    this.empty.hidden = this.snaps.length > 0;
    this.empty.textContent =
      this.layerId === undefined
        ? 'Select a layer (click a heatmap row) to see its distributions.'
        : `No ${this.kind} histograms for ${name} yet.`;
    this.svg.setAttribute('aria-label', `${this.kind} distribution of ${name} over steps`);

    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.snaps) {
      lo = Math.min(lo, s.h.min);
      hi = Math.max(hi, s.h.max);
    }
    if (!(lo < hi)) {
      lo = Number.isFinite(lo) ? lo - 0.5 : 0;
      hi = lo + 1;
    }
    this.y = scaleLinear().domain([lo, hi]).range([PLOT_H, 0]).nice();
    this.paint(layout, palette, 0);
    this.drawAxes(layout, palette);
  }

  /** Paints snapshots from index `from` on; 0 clears and repaints everything. */
  private paint(layout: TimeLayout, palette: Palette, from: number): void {
    const dpr = window.devicePixelRatio || 1;
    const w = layout.plotWidth;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    if (from === 0) {
      this.clip.style.left = `${layout.left}px`;
      this.clip.style.top = `${TOP}px`;
      this.clip.style.width = `${w}px`;
      this.clip.style.height = `${PLOT_H}px`;
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${PLOT_H}px`;
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(PLOT_H * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, PLOT_H);
    }
    ctx.fillStyle = palette.accent;
    const x = layout.x;
    const y = this.y;
    const snaps = this.snaps;
    let lastCol = -Infinity;
    for (let j = Math.max(0, from); j < snaps.length; j++) {
      const { step, h } = snaps[j];
      const x0 = x(step);
      // A snapshot stands for the steps until the next one (histograms come every k steps).
      const next = j + 1 < snaps.length ? snaps[j + 1].step : step + (j > 0 ? step - snaps[j - 1].step : 1);
      const x1 = Math.max(x0 + 1, x(next));
      // More snapshots than pixels: one per pixel column is all that can be seen.
      if (Math.floor(x0) === lastCol && j + 1 < snaps.length) continue;
      lastCol = Math.floor(x0);
      // An appended paint redraws the previous snapshot: clear first, or its translucent bins would double up.
      if (from > 0) ctx.clearRect(x0, 0, x1 - x0, PLOT_H);
      const k = h.counts.length;
      let max = 0;
      for (const c of h.counts) if (c > max) max = c;
      if (max === 0) continue;
      const bw = (h.max - h.min) / k;
      for (let b = 0; b < k; b++) {
        const c = h.counts[b];
        if (c <= 0) continue;
        const yTop = y(h.min + (b + 1) * bw);
        const yBot = y(h.min + b * bw);
        ctx.globalAlpha = 0.08 + 0.92 * Math.sqrt(c / max);
        ctx.fillRect(x0, yTop, x1 - x0, Math.max(1, yBot - yTop));
      }
    }
    ctx.globalAlpha = 1;
  }

  private drawAxes(layout: TimeLayout, palette: Palette): void {
    const svg = select(this.svg)
      .attr('width', layout.width)
      .attr('height', HIST_HEIGHT)
      .attr('color', palette.fg)
      .attr('font-family', palette.fontFamily);
    this.svg.parentElement?.style.setProperty('height', `${HIST_HEIGHT}px`);
    const g = ensure(svg, 'g', 'hist-plot').attr('transform', `translate(${layout.left},${TOP})`);
    ensure(g, 'rect', 'frame')
      .attr('width', layout.plotWidth)
      .attr('height', PLOT_H)
      .attr('fill', 'none')
      .attr('stroke', palette.border);
    const yAxis = ensure<SVGGElement>(g, 'g', 'y-axis');
    yAxis
      .call(
        axisLeft(this.y)
          .ticks(5)
          .tickFormat((d) => fmtNum(Number(d)))
          .tickSizeOuter(0),
      )
      .attr('font-size', 10);
    const xAxis = ensure<SVGGElement>(g, 'g', 'x-axis').attr('transform', `translate(0,${PLOT_H})`);
    drawStepAxis(xAxis, layout, palette, 'bottom');
    styleAxis(yAxis, palette);
    ensure(g, 'text', 'x-title')
      .attr('x', -8)
      .attr('y', PLOT_H + 20)
      .attr('text-anchor', 'end')
      .attr('font-size', 10)
      .attr('fill', palette.muted)
      .text('step');
    const hit = ensure(g, 'rect', 'hit').attr('width', layout.plotWidth).attr('height', PLOT_H).attr('fill', 'transparent');
    hit.on('mousemove', (ev: MouseEvent) => this.hover(ev, g.node())).on('mouseleave', () => this.tooltip.hide());
  }

  private hover(ev: MouseEvent, plot: SVGElement | null): void {
    const layout = this.layout;
    if (!layout || !plot || this.snaps.length === 0) return;
    const [px, py] = pointer(ev, plot);
    const step = layout.x.invert(px);
    let j = -1;
    for (let k = 0; k < this.snaps.length && this.snaps[k].step <= step; k++) j = k;
    if (j < 0) return this.tooltip.hide();
    const { h, step: st } = this.snaps[j];
    const v = this.y.invert(py);
    const k = h.counts.length;
    const bw = (h.max - h.min) / k;
    const b = Math.floor((v - h.min) / bw);
    const total = h.counts.reduce((a, c) => a + c, 0);
    const lines = [`${this.kind} at step ${st}`, `range ${fmtNum(h.min)} … ${fmtNum(h.max)}`];
    if (b >= 0 && b < k) {
      lines.push(`bin ${fmtNum(h.min + b * bw)} … ${fmtNum(h.min + (b + 1) * bw)}: ${h.counts[b]} of ${total}`);
    }
    this.tooltip.show(lines, ev.clientX, ev.clientY);
  }

  fileStem(): string {
    return `distribution-${this.kind}-${(this.layerId ?? 'none').replace(/[^\w.-]+/g, '_')}`;
  }

  toSvg(): { svg: string; width: number; height: number } {
    const width = this.layout?.width ?? 400;
    const clone = this.svg.cloneNode(true) as SVGSVGElement;
    clone.querySelector('rect.hit')?.remove();
    const bg = document.createElementNS(SVG_NS, 'rect');
    bg.setAttribute('width', '100%');
    bg.setAttribute('height', '100%');
    bg.setAttribute('fill', this.palette?.bg ?? '#fff');
    clone.insertBefore(bg, clone.firstChild);
    const plot = clone.querySelector('g.hist-plot');
    if (plot && this.layout) {
      const img = document.createElementNS(SVG_NS, 'image');
      img.setAttribute('width', String(this.layout.plotWidth));
      img.setAttribute('height', String(PLOT_H));
      img.setAttribute('preserveAspectRatio', 'none');
      img.setAttribute('href', this.canvas.toDataURL('image/png'));
      plot.insertBefore(img, plot.firstChild);
    }
    clone.setAttribute('viewBox', `0 0 ${width} ${HIST_HEIGHT}`);
    return { svg: serializeSvg(clone), width, height: HIST_HEIGHT };
  }

  toCsv(): string {
    const maxBins = this.snaps.reduce((m, s) => Math.max(m, s.h.counts.length), 0);
    const rows: (string | number)[][] = [
      ['layer', 'kind', 'step', 'min', 'max', ...Array.from({ length: maxBins }, (_, i) => `bin${i}`)],
    ];
    for (const s of this.snaps) rows.push([this.layerId ?? '', this.kind, s.step, s.h.min, s.h.max, ...s.h.counts]);
    return toCsv(rows);
  }

  toJson(): string {
    return JSON.stringify({
      layer: this.layerId,
      kind: this.kind,
      snapshots: this.snaps.map((s) => ({ step: s.step, ...s.h })),
    });
  }
}
