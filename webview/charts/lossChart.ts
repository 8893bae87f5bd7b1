// Loss over steps (raw as a min/max band per pixel, an EMA-smoothed line on top), validation loss and accuracy per
// epoch, loss-spike markers, and the learning rate in a small chart beneath on the same step axis. The per-pixel
// columns and paths are in lossPaths.ts, the legend in lossLegend.ts, the learning-rate strip in lossLr.ts, the
// hover in lossHover.ts and the exports in lossExport.ts.
import {
  axisLeft,
  axisRight,
  line,
  scaleLinear,
  scaleLog,
  select,
  type ScaleContinuousNumeric,
  type ScaleLinear,
} from 'd3';
import { SVG_NS, type ExportableChart } from '../export';
import type { EpochRecord, RunStore } from '../store';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import type { TimeLayout } from './layout';
import { lossCsv, lossJson, lossSvg } from './lossExport';
import { showLossHover } from './lossHover';
import { drawLossLegend, LEGEND_ROW } from './lossLegend';
import { drawLrFrame, LR_HEIGHT } from './lossLr';
import { bandPath, downsampleLoss, emptyColumns, linePath, type Columns } from './lossPaths';
import { drawUserMetrics, extendLossRange, userLines } from './lossUserMetrics';
import { ensure, styleAxis } from './svg';

const TOP = 24;
const LOSS_H = 190;
const GAP = 24;
const BOTTOM = 26;
export const LOSS_CHART_HEIGHT = TOP + LOSS_H + GAP + LR_HEIGHT + BOTTOM;

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
    this.cols = downsampleLoss(this.cols, this.store, this.smoothed, layout, n);
    const y = this.lossScale(palette);
    let lrMax = 0;
    for (let c = 0; c < this.cols.n; c++) if (this.cols.lr[c] > lrMax) lrMax = this.cols.lr[c];
    const yLr = scaleLinear()
      .domain([0, lrMax > 0 ? lrMax * 1.1 : 1])
      .range([LR_HEIGHT, 0])
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
      s.userMetricPoints,
      s.anomalies.length,
      s.travels.length,
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
    const lines = userLines(s, palette);
    const accAxis = ensure<SVGGElement>(plot, 'g', 'acc-axis').attr('transform', `translate(${layout.plotWidth},0)`);
    if (acc.length || lines.some((l) => l.axis === 'fraction')) {
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

    drawUserMetrics(plot, lines, layout, y, yAcc, this.logScale);

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

    // Time travel (docs/time-travel.md): where the run went back to, a hollow marker at the step it went on from.
    const travelG = ensure(plot, 'g', 'travel-markers')
      .selectAll<SVGGElement, (typeof s.travels)[number]>('g.travel-marker')
      .data(s.travels)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'travel-marker');
        g.append('path');
        g.append('title');
        return g;
      })
      .attr('transform', (e) => `translate(${x(e.toStep)},${LOSS_H})`)
      .attr('data-step', (e) => e.toStep)
      .attr('data-kind', (e) => e.kind);
    travelG.select('path').attr('d', 'M0,-9L5,0L-5,0Z').attr('fill', 'none').attr('stroke', palette.accent).attr('stroke-width', 1.5);
    travelG.select('title').text((e) => e.message);

    const rows = drawLossLegend(svg, layout, palette, this.smoothing, val.length > 0, acc.length > 0, spikes.length > 0, lines);
    this.top = TOP + LEGEND_ROW * (rows - 1);
    plot.attr('transform', `translate(${layout.left},${this.top})`);
    svg.attr('height', this.height());
    drawLrFrame(svg, layout, palette, yLr, this.top + LOSS_H + GAP);

    const hit = ensure(plot, 'rect', 'hit')
      .attr('width', layout.plotWidth)
      .attr('height', LOSS_H + GAP + LR_HEIGHT)
      .attr('fill', 'transparent');
    hit.on('mousemove', (ev: MouseEvent) => this.hover(ev)).on('mouseleave', () => {
      this.tooltip.hide();
      ensure(plot, 'line', 'crosshair').attr('display', 'none');
    });
  }

  private lossScale(palette: Palette): ScaleContinuousNumeric<number, number> {
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
    const range = { lo, hi, minPos };
    extendLossRange(userLines(s, palette), range);
    ({ lo, hi, minPos } = range);
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



  private hover(ev: MouseEvent): void {
    if (this.layout && this.palette) {
      showLossHover(ev, { svg: this.svg, store: this.store, layout: this.layout, palette: this.palette, tooltip: this.tooltip, smoothed: this.smoothed, height: LOSS_H + GAP + LR_HEIGHT });
    }
  }


  fileStem(): string {
    return 'loss';
  }

  /** The chart's height: more than LOSS_CHART_HEIGHT when the legend wraps. */
  private height(): number {
    return LOSS_CHART_HEIGHT + (this.top - TOP);
  }

  toSvg(): { svg: string; width: number; height: number } {
    return lossSvg(this.svg, this.layout?.width ?? 400, this.height(), this.palette?.bg ?? '#fff');
  }

  toCsv(): string {
    return lossCsv(this.store, this.smoothed);
  }

  toJson(): string {
    return lossJson(this.store, this.smoothed, this.smoothing);
  }
}

