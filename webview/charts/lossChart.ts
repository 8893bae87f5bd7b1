// Loss over steps (raw as a min/max band per pixel, an EMA-smoothed line on top), validation loss and accuracy per
// epoch, loss-spike markers, and the learning rate in a small chart beneath on the same step axis.
import {
  axisLeft,
  axisRight,
  line,
  pointer,
  scaleLinear,
  scaleLog,
  select,
  type ScaleContinuousNumeric,
  type ScaleLinear,
} from 'd3';
import { lowerBound } from '../column';
import { jsonNumber, serializeSvg, SVG_NS, toCsv, type ExportableChart } from '../export';
import { fmtNum } from '../format';
import type { EpochRecord, RunStore } from '../store';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import type { TimeLayout } from './layout';
import { drawStepAxis, ensure, styleAxis } from './svg';

const TOP = 24;
const LOSS_H = 190;
const GAP = 24;
const LR_H = 56;
const BOTTOM = 26;
export const LOSS_CHART_HEIGHT = TOP + LOSS_H + GAP + LR_H + BOTTOM;
/** Each further row of the legend (when its entries do not fit beside each other) pushes the plots down. */
const LEGEND_ROW = 14;

/** Per-pixel columns of the curves (struct of arrays, reused between frames). */
interface Columns {
  n: number;
  x: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  ema: Float64Array;
  lr: Float64Array;
}

const emptyColumns = (): Columns => ({
  n: 0,
  x: new Float64Array(0),
  lo: new Float64Array(0),
  hi: new Float64Array(0),
  ema: new Float64Array(0),
  lr: new Float64Array(0),
});

/** SVG path through (x[i], y(v[i])), lifting the pen over non-finite values. */
export function linePath(x: Float64Array, v: Float64Array, n: number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < n; i++) {
    const yy = y(v[i]);
    if (!Number.isFinite(yy) || !Number.isFinite(v[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x[i].toFixed(1)},${yy.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Closed band between lo and hi for each run of defined columns. */
export function bandPath(x: Float64Array, lo: Float64Array, hi: Float64Array, n: number, y: (v: number) => number): string {
  let d = '';
  let i = 0;
  while (i < n) {
    while (i < n && !(Number.isFinite(lo[i]) && Number.isFinite(hi[i]))) i++;
    const start = i;
    while (i < n && Number.isFinite(lo[i]) && Number.isFinite(hi[i])) i++;
    if (i === start) break;
    for (let k = start; k < i; k++) d += `${k === start ? 'M' : 'L'}${x[k].toFixed(1)},${y(hi[k]).toFixed(1)}`;
    for (let k = i - 1; k >= start; k--) d += `L${x[k].toFixed(1)},${y(lo[k]).toFixed(1)}`;
    d += 'Z';
  }
  return d;
}

/** Debiased exponential moving average (as TensorBoard smooths), NaN where the input is not finite. */
export function ema(values: ArrayLike<number>, n: number, alpha: number, out = new Float64Array(n)): Float64Array {
  let acc = 0;
  let weight = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    acc = acc * alpha + (1 - alpha) * v;
    weight = weight * alpha + (1 - alpha);
    out[i] = acc / weight;
  }
  return out;
}

export class LossChart implements ExportableChart {
  private readonly svg: SVGSVGElement;
  private readonly empty: HTMLParagraphElement;
  private smoothing = 0.6;
  private logScale = false;
  /** y of the loss plot: below the legend, whose rows wrap at narrow widths. */
  private top = TOP;
  private smoothed = new Float64Array(0);
  private layout?: TimeLayout;
  private palette?: Palette;
  private cols: Columns = emptyColumns();
  private ema = { n: 0, acc: 0, weight: 0, alpha: NaN };
  private staticKey = '';

  constructor(
    container: HTMLElement,
    private readonly store: RunStore,
    private readonly tooltip: Tooltip,
  ) {
    this.svg = container.ownerDocument.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('gl-loss-svg');
    this.svg.setAttribute('role', 'img');
    this.svg.setAttribute('aria-label', 'Training loss per step, validation metrics per epoch, and learning rate');
    this.empty = container.ownerDocument.createElement('p');
    this.empty.className = 'gl-empty';
    this.empty.textContent = 'Waiting for the first training step…';
    container.append(this.svg, this.empty);
  }

  setSmoothing(alpha: number): void {
    this.smoothing = alpha;
  }

  setLogScale(on: boolean): void {
    this.logScale = on;
  }

  /**
   * Draws the chart. Axes, epochs, markers and legend are redrawn only when what they depend on changed (their
   * key); the three curves are rebuilt from per-pixel columns, which costs one pass over the steps.
   */
  render(layout: TimeLayout, palette: Palette, full = false): void {
    if (full) {
      // The run may have been replaced: smooth from scratch and redraw everything.
      this.ema.n = 0;
      this.ema.alpha = NaN;
      this.staticKey = '';
    }
    this.layout = layout;
    this.palette = palette;
    const s = this.store;
    const n = s.stepNo.length;
    this.empty.hidden = n > 0;
    this.updateEma(n);
    this.downsample(layout, n);
    const y = this.lossScale();
    let lrMax = 0;
    for (let c = 0; c < this.cols.n; c++) if (this.cols.lr[c] > lrMax) lrMax = this.cols.lr[c];
    const yLr = scaleLinear()
      .domain([0, lrMax > 0 ? lrMax * 1.1 : 1])
      .range([LR_H, 0])
      .nice(3);
    const key = [
      layout.width,
      layout.left,
      layout.x.domain().join(':'),
      y.domain().join(':'),
      yLr.domain().join(':'),
      this.logScale,
      this.smoothing,
      s.epochs.length,
      s.anomalies.length,
      palette.fg,
      palette.accent,
    ].join('|');
    const svg = select(this.svg);
    if (key !== this.staticKey) {
      this.staticKey = key;
      this.drawStatic(layout, palette, y, yLr);
    }
    const plot = svg.select<SVGGElement>('g.loss-plot');
    const cols = this.cols;
    const yl = (v: number): number => y(this.logScale && v <= 0 ? Number.MIN_VALUE : v);
    plot.select('path.raw-band').attr('d', bandPath(cols.x, cols.lo, cols.hi, cols.n, yl));
    plot.select('path.ema-line').attr('d', linePath(cols.x, cols.ema, cols.n, yl));
    svg.select('g.lr-plot path.lr-line').attr('d', linePath(cols.x, cols.lr, cols.n, yLr));
  }

  /** Extends the smoothed series by the new steps (all of it when the smoothing changed or the run restarted). */
  private updateEma(n: number): void {
    const raw = this.store.loss.view();
    if (this.smoothed.length < n) {
      const next = new Float64Array(Math.max(n, this.smoothed.length * 2, 256));
      next.set(this.smoothed.subarray(0, this.ema.n));
      this.smoothed = next;
    }
    const e = this.ema;
    if (e.alpha !== this.smoothing || n < e.n) Object.assign(e, { n: 0, acc: 0, weight: 0, alpha: this.smoothing });
    const a = e.alpha;
    for (let i = e.n; i < n; i++) {
      const v = raw[i];
      if (!Number.isFinite(v)) {
        this.smoothed[i] = NaN;
        continue;
      }
      e.acc = e.acc * a + (1 - a) * v;
      e.weight = e.weight * a + (1 - a);
      this.smoothed[i] = e.acc / e.weight;
    }
    e.n = n;
  }

  /** One column per pixel: raw min/max, the last smoothed value and learning rate in it. */
  private downsample(layout: TimeLayout, n: number): void {
    const cap = Math.ceil(layout.plotWidth) + 2;
    if (this.cols.x.length < cap) {
      this.cols = { n: 0, x: new Float64Array(cap), lo: new Float64Array(cap), hi: new Float64Array(cap), ema: new Float64Array(cap), lr: new Float64Array(cap) };
    }
    const { x, lo, hi, ema: em, lr } = this.cols;
    const steps = this.store.stepNo.view();
    const loss = this.store.loss.view();
    const lrs = this.store.lr.view();
    const [d0, d1] = layout.x.domain();
    const k = layout.plotWidth / (d1 - d0);
    let c = -1;
    let col = NaN;
    for (let i = 0; i < n; i++) {
      const st = steps[i];
      const cc = Math.floor((st - d0) * k);
      if (cc !== col) {
        if (c + 1 >= cap) break;
        c++;
        col = cc;
        x[c] = (st + 0.5 - d0) * k;
        lo[c] = NaN;
        hi[c] = NaN;
      }
      const v = loss[i];
      if (Number.isFinite(v)) {
        if (!(v >= lo[c])) lo[c] = v;
        if (!(v <= hi[c])) hi[c] = v;
      }
      em[c] = this.smoothed[i];
      lr[c] = lrs[i];
    }
    this.cols.n = c + 1;
  }

  private drawStatic(
    layout: TimeLayout,
    palette: Palette,
    y: ScaleContinuousNumeric<number, number>,
    yLr: ScaleLinear<number, number>,
  ): void {
    const s = this.store;
    const svg = select(this.svg)
      .attr('width', layout.width)
      .attr('height', LOSS_CHART_HEIGHT)
      .attr('color', palette.fg)
      .attr('font-family', palette.fontFamily);
    const x = layout.x;
    const val = s.epochs.filter((e) => e.valLoss !== undefined && Number.isFinite(e.valLoss));
    const acc = s.epochs.filter((e) => e.valAccuracy !== undefined && Number.isFinite(e.valAccuracy));

    const plot = ensure(svg, 'g', 'loss-plot').attr('transform', `translate(${layout.left},${TOP})`);
    const grid = ensure<SVGGElement>(plot, 'g', 'grid');
    grid.call(axisLeft(y).ticks(5).tickSize(-layout.plotWidth).tickFormat(() => ''));
    grid.select('.domain').remove();
    grid.selectAll('.tick line').attr('stroke', palette.grid);
    const yAxis = ensure<SVGGElement>(plot, 'g', 'y-axis');
    yAxis.call(axisLeft(y).ticks(5, this.logScale ? '~g' : undefined).tickSizeOuter(0)).attr('font-size', 10);
    styleAxis(yAxis, palette);
    ensure(plot, 'text', 'y-title')
      .attr('x', -8)
      .attr('y', -10)
      .attr('text-anchor', 'end')
      .attr('font-size', 10)
      .attr('fill', palette.muted)
      .text(this.logScale && y.domain()[0] > 0 ? 'loss (log)' : 'loss');

    ensure(plot, 'path', 'raw-band')
      .attr('fill', palette.accent)
      .attr('fill-opacity', 0.22)
      .attr('stroke', palette.accent)
      .attr('stroke-opacity', 0.35)
      .attr('stroke-width', 0.8);
    ensure(plot, 'path', 'ema-line').attr('fill', 'none').attr('stroke', palette.accent).attr('stroke-width', 1.8);

    const yv = (v: number | undefined): number => y(this.logScale && (v ?? 0) <= 0 ? Number.MIN_VALUE : (v ?? NaN));
    const xe = (e: EpochRecord): number => x(e.step) + (x(e.step + 1) - x(e.step)) / 2;
    const valLine = line<EpochRecord>()
      .x(xe)
      .y((e) => yv(e.valLoss));
    ensure(plot, 'path', 'val-line')
      .datum(val)
      .attr('d', valLine)
      .attr('fill', 'none')
      .attr('stroke', palette.accent2)
      .attr('stroke-width', 1.5);
    ensure(plot, 'g', 'val-points')
      .selectAll('circle')
      .data(val)
      .join('circle')
      .attr('cx', xe)
      .attr('cy', (e) => yv(e.valLoss))
      .attr('r', 3)
      .attr('fill', palette.accent2)
      .attr('data-epoch', (e) => e.epoch);

    const yAcc = scaleLinear().domain([0, 1]).range([LOSS_H, 0]);
    const accAxis = ensure<SVGGElement>(plot, 'g', 'acc-axis').attr('transform', `translate(${layout.plotWidth},0)`);
    if (acc.length) {
      accAxis.call(axisRight(yAcc).ticks(5, '.0%').tickSizeOuter(0)).attr('font-size', 10).attr('display', null);
      styleAxis(accAxis, palette);
    } else accAxis.attr('display', 'none');
    ensure(plot, 'path', 'acc-line')
      .datum(acc)
      .attr(
        'd',
        line<EpochRecord>()
          .x(xe)
          .y((e) => yAcc(e.valAccuracy ?? 0)),
      )
      .attr('fill', 'none')
      .attr('stroke', palette.accent3)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '4 3');
    ensure(plot, 'g', 'acc-points')
      .selectAll('rect')
      .data(acc)
      .join('rect')
      .attr('x', (e) => xe(e) - 2.5)
      .attr('y', (e) => yAcc(e.valAccuracy ?? 0) - 2.5)
      .attr('width', 5)
      .attr('height', 5)
      .attr('fill', palette.accent3);

    // Epoch boundaries help read the per-epoch points against the per-step curve.
    ensure(plot, 'g', 'epoch-lines')
      .selectAll('line')
      .data(s.epochs)
      .join('line')
      .attr('x1', (e) => x(e.step + 1))
      .attr('x2', (e) => x(e.step + 1))
      .attr('y1', 0)
      .attr('y2', LOSS_H)
      .attr('stroke', palette.grid)
      .attr('stroke-dasharray', '2 3');

    const spikes = s.anomalies.filter((a) => a.kind === 'lossSpike');
    const spikeG = ensure(plot, 'g', 'spike-markers')
      .selectAll<SVGGElement, (typeof spikes)[number]>('g.spike-marker')
      .data(spikes)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'spike-marker');
        g.append('line');
        g.append('path');
        g.append('title');
        return g;
      })
      .attr('transform', (a) => `translate(${x(a.step) + (x(a.step + 1) - x(a.step)) / 2},0)`)
      .attr('data-step', (a) => a.step);
    spikeG
      .select('line')
      .attr('y1', 0)
      .attr('y2', LOSS_H)
      .attr('stroke', palette.error)
      .attr('stroke-opacity', 0.45)
      .attr('stroke-dasharray', '3 3');
    spikeG.select('path').attr('d', 'M-5,-7L5,-7L0,1Z').attr('fill', palette.error);
    spikeG.select('title').text((a) => a.message);

    const rows = this.drawLegend(svg, layout, palette, val.length > 0, acc.length > 0, spikes.length > 0);
    this.top = TOP + LEGEND_ROW * (rows - 1);
    plot.attr('transform', `translate(${layout.left},${this.top})`);
    svg.attr('height', this.height());
    this.drawLr(svg, layout, palette, yLr);

    const hit = ensure(plot, 'rect', 'hit')
      .attr('width', layout.plotWidth)
      .attr('height', LOSS_H + GAP + LR_H)
      .attr('fill', 'transparent');
    hit.on('mousemove', (ev: MouseEvent) => this.hover(ev)).on('mouseleave', () => {
      this.tooltip.hide();
      ensure(plot, 'line', 'crosshair').attr('display', 'none');
    });
  }

  private lossScale(): ScaleContinuousNumeric<number, number> {
    const s = this.store;
    const n = s.stepNo.length;
    let lo = Infinity;
    let hi = -Infinity;
    let minPos = Infinity;
    const raw = s.loss.view();
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v > 0 && v < minPos) minPos = v;
    }
    for (const e of s.epochs) {
      const v = e.valLoss;
      if (v === undefined || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      if (v > 0) minPos = Math.min(minPos, v);
    }
    if (this.logScale && Number.isFinite(minPos) && hi > 0) {
      return scaleLog().domain([minPos, Math.max(hi, minPos * 10)]).range([LOSS_H, 0]).nice().clamp(true);
    }
    if (!(lo <= hi)) return scaleLinear().domain([0, 1]).range([LOSS_H, 0]);
    const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.1 || 1;
    return scaleLinear()
      .domain([Math.max(lo >= 0 ? 0 : -Infinity, lo - pad), hi + pad])
      .range([LOSS_H, 0])
      .nice();
  }

  private drawLr(
    svg: ReturnType<typeof select<SVGSVGElement, unknown>>,
    layout: TimeLayout,
    palette: Palette,
    y: ScaleLinear<number, number>,
  ): void {
    const g = ensure(svg, 'g', 'lr-plot').attr('transform', `translate(${layout.left},${this.top + LOSS_H + GAP})`);
    const yAxis = ensure<SVGGElement>(g, 'g', 'y-axis');
    yAxis
      .call(
        axisLeft(y)
          .ticks(2)
          .tickFormat((d) => fmtNum(Number(d)))
          .tickSizeOuter(0),
      )
      .attr('font-size', 9);
    styleAxis(yAxis, palette);
    ensure(g, 'rect', 'frame')
      .attr('width', layout.plotWidth)
      .attr('height', LR_H)
      .attr('fill', 'none')
      .attr('stroke', palette.grid);
    ensure(g, 'path', 'lr-line').attr('fill', 'none').attr('stroke', palette.muted).attr('stroke-width', 1.5);
    ensure(g, 'text', 'y-title')
      .attr('x', 4)
      .attr('y', 10)
      .attr('font-size', 10)
      .attr('fill', palette.muted)
      .text('learning rate');
    const xAxis = ensure<SVGGElement>(g, 'g', 'x-axis').attr('transform', `translate(0,${LR_H})`);
    drawStepAxis(xAxis, layout, palette, 'bottom');
    ensure(g, 'text', 'x-title')
      .attr('x', -8)
      .attr('y', LR_H + 20)
      .attr('text-anchor', 'end')
      .attr('font-size', 10)
      .attr('fill', palette.muted)
      .text('step');
  }

  private drawLegend(
    svg: ReturnType<typeof select<SVGSVGElement, unknown>>,
    layout: TimeLayout,
    palette: Palette,
    hasVal: boolean,
    hasAcc: boolean,
    hasSpikes: boolean,
  ): number {
    const items: { label: string; colour: string; dash?: string; shape: 'line' | 'band' | 'tri' }[] = [
      { label: 'train (raw)', colour: palette.accent, shape: 'band' },
      { label: `train (EMA ${this.smoothing.toFixed(2)})`, colour: palette.accent, shape: 'line' },
    ];
    if (hasVal) items.push({ label: 'val loss', colour: palette.accent2, shape: 'line' });
    if (hasAcc) items.push({ label: 'val accuracy', colour: palette.accent3, dash: '4 3', shape: 'line' });
    if (hasSpikes) items.push({ label: 'loss spike', colour: palette.error, shape: 'tri' });
    const g = ensure(svg, 'g', 'loss-legend').attr('transform', `translate(${layout.left},10)`);
    const entries = g
      .selectAll<SVGGElement, (typeof items)[number]>('g.item')
      .data(items)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'item');
        e.append('path');
        e.append('text');
        return e;
      });
    entries
      .select('path')
      .attr('d', (d) => (d.shape === 'tri' ? 'M4,-5L14,-5L9,3Z' : d.shape === 'band' ? 'M0,-4H18V4H0Z' : 'M0,0H18'))
      .attr('fill', (d) => (d.shape === 'line' ? 'none' : d.colour))
      .attr('fill-opacity', (d) => (d.shape === 'band' ? 0.3 : 1))
      .attr('stroke', (d) => (d.shape === 'tri' ? 'none' : d.colour))
      .attr('stroke-width', (d) => (d.shape === 'line' ? 2 : 0.8))
      .attr('stroke-dasharray', (d) => d.dash ?? null);
    entries
      .select('text')
      .attr('x', 24)
      .attr('dy', '0.35em')
      .attr('font-size', 10)
      .attr('fill', palette.fg)
      .text((d) => d.label);
      // Entries flow left to right from the plot's left edge and wrap to a new row where the chart ends: at the
    // panel's width beside an editor the five entries do not fit in one row.
    const room = layout.width - layout.left - 2;
    let x = 0;
    let row = 0;
    entries.attr('transform', function () {
      const text = select(this).select<SVGTextElement>('text').node();
      let w = 24 + 60;
      try {
        w = 24 + (text?.getComputedTextLength() ?? 60);
      } catch {
        // not laid out: the estimate stands
      }
      if (x > 0 && x + w > room) {
        row++;
        x = 0;
      }
      const t = `translate(${x},${row * LEGEND_ROW})`;
      x += w + 14;
      return t;
    });
    return row + 1;
  }


  private hover(ev: MouseEvent): void {
    const layout = this.layout;
    if (!layout || !this.palette) return;
    const s = this.store;
    const n = s.stepNo.length;
    if (n === 0) return;
    const plot = select(this.svg).select<SVGGElement>('g.loss-plot');
    const [px] = pointer(ev, plot.node());
    const step = Math.floor(layout.x.invert(px));
    const i = Math.min(n - 1, lowerBound(s.stepNo.view(), step));
    const st = s.stepNo.get(i);
    const xs = layout.x(st + 0.5);
    ensure(plot, 'line', 'crosshair')
      .attr('display', null)
      .attr('x1', xs)
      .attr('x2', xs)
      .attr('y1', 0)
      .attr('y2', LOSS_H + GAP + LR_H)
      .attr('stroke', this.palette.muted)
      .attr('stroke-opacity', 0.6)
      .attr('pointer-events', 'none');
    const lines = [
      `step ${st}`,
      `loss ${fmtNum(s.loss.get(i))}`,
      `smoothed ${fmtNum(this.smoothed[i])}`,
      `lr ${fmtNum(s.lr.get(i))}`,
    ];
    const ep = [...s.epochs].reverse().find((e) => e.step <= st);
    if (ep?.valLoss !== undefined) {
      lines.push(`epoch ${ep.epoch} val loss ${fmtNum(ep.valLoss)}${ep.valAccuracy !== undefined ? `, acc ${(ep.valAccuracy * 100).toFixed(1)}%` : ''}`);
    }
    const spike = s.anomalies.find((a) => a.kind === 'lossSpike' && a.step === st);
    if (spike) lines.push(`⚠ ${spike.message}`);
    this.tooltip.show(lines, ev.clientX, ev.clientY);
  }

  fileStem(): string {
    return 'loss';
  }

  /** The chart's height: more than LOSS_CHART_HEIGHT when the legend wraps. */
  private height(): number {
    return LOSS_CHART_HEIGHT + (this.top - TOP);
  }

  toSvg(): { svg: string; width: number; height: number } {
    const clone = this.svg.cloneNode(true) as SVGSVGElement;
    clone.querySelector('rect.hit')?.remove();
    clone.querySelector('line.crosshair')?.remove();
    const bg = document.createElementNS(SVG_NS, 'rect');
    bg.setAttribute('width', '100%');
    bg.setAttribute('height', '100%');
    bg.setAttribute('fill', this.palette?.bg ?? '#fff');
    clone.insertBefore(bg, clone.firstChild);
    const width = this.layout?.width ?? 400;
    const height = this.height();
    clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
    return { svg: serializeSvg(clone), width, height };
  }

  toCsv(): string {
    const s = this.store;
    const rows: (string | number)[][] = [['step', 'loss', 'smoothed', 'lr', 'samplesPerSec']];
    for (let i = 0; i < s.stepNo.length; i++) {
      rows.push([s.stepNo.get(i), s.loss.get(i), this.smoothed[i], s.lr.get(i), s.samplesPerSec.get(i)]);
    }
    rows.push([]);
    rows.push(['epoch', 'step', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'durationMs']);
    for (const e of s.epochs) {
      rows.push([e.epoch, e.step, e.trainLoss, e.trainAccuracy ?? '', e.valLoss ?? '', e.valAccuracy ?? '', e.durationMs]);
    }
    return toCsv(rows);
  }

  toJson(): string {
    const s = this.store;
    const n = s.stepNo.length;
    return JSON.stringify({
      smoothing: this.smoothing,
      steps: Array.from({ length: n }, (_, i) => ({
        step: s.stepNo.get(i),
        loss: jsonNumber(s.loss.get(i)),
        smoothed: jsonNumber(this.smoothed[i]),
        lr: jsonNumber(s.lr.get(i)),
        samplesPerSec: jsonNumber(s.samplesPerSec.get(i)),
      })),
      epochs: s.epochs,
    });
  }
}

