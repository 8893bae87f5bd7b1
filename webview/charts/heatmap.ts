// The layer x step heatmap: one row per layer in model order, one column per bucket of steps. Cells are painted
// into a canvas at one pixel per cell (stretched by CSS, crisp), while the axes, labels, anomaly markers and the
// legend are SVG around it. Appending steps repaints only the buckets that changed.
import { select } from 'd3';
import type { Anomaly } from '../../protocol/messages';
import { BucketGrid } from '../buckets';
import { lowerBound } from '../column';
import { domainFor, LUT_SIZE, makeScale, type ColourScale } from '../colour';
import { crispDataUrl, jsonNumber, serializeSvg, SVG_NS, toCsv, type ExportableChart } from '../export';
import { cloneAsGroup, drawStepAxis, ensure } from './svg';
import { fmtNum, shortLocation } from '../format';
import { metricDef, type MetricDef, type MetricId } from '../metrics';
import type { LayerRow, RunStore } from '../store';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import { drawLegend, LEGEND_HEIGHT } from './legend';
import type { TimeLayout } from './layout';

const TOP = 38; // axis labels, ticks, then a strip for run-level anomaly markers
const BOTTOM = 6;

export interface HeatmapDeps {
  store: RunStore;
  tooltip: Tooltip;
  /** A row was clicked or activated from the keyboard. */
  onRowActivate(row: LayerRow): void;
}

interface MarkerCell {
  key: string;
  row: number;
  x: number;
  anomalies: Anomaly[];
}

export function rowHeightFor(rows: number): number {
  if (rows <= 16) return 20;
  if (rows <= 32) return 16;
  if (rows <= 64) return 12;
  return 10;
}

export class Heatmap implements ExportableChart {
  private readonly legend: SVGSVGElement;
  private readonly clip: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly svg: SVGSVGElement;
  private readonly grid = new BucketGrid();
  private scale?: ColourScale;
  private def: MetricDef = metricDef('gradNorm');
  private image?: ImageData;
  private layout?: TimeLayout;
  private palette?: Palette;
  private rowH = 20;
  /** Width of one stats sample in CSS px, and the x of sample 0. */
  private sampleW = 1;
  private originX = 0;
  private selected?: string;
  /** Bucket under the keyboard cursor. */
  private cursor?: number;
  private readonly empty: HTMLParagraphElement;

  constructor(
    container: HTMLElement,
    private readonly deps: HeatmapDeps,
  ) {
    const doc = container.ownerDocument;
    this.legend = doc.createElementNS(SVG_NS, 'svg');
    this.legend.classList.add('gl-legend');
    this.legend.setAttribute('role', 'img');
    const wrap = doc.createElement('div');
    wrap.className = 'gl-heatmap-wrap';
    this.clip = doc.createElement('div');
    this.clip.className = 'gl-heatmap-clip';
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'gl-heatmap-canvas';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.clip.appendChild(this.canvas);
    this.svg = doc.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('gl-heatmap-svg');
    this.empty = doc.createElement('p');
    this.empty.className = 'gl-empty';
    this.empty.textContent = 'Waiting for per-layer statistics…';
    wrap.append(this.clip, this.svg);
    container.append(this.legend, wrap, this.empty);
  }

  get metric(): MetricId {
    return this.def.id;
  }

  setMetric(id: MetricId): void {
    this.def = metricDef(id);
  }

  setSelected(layerId: string | undefined): void {
    this.selected = layerId;
    if (this.layout) this.drawSelection();
  }

  /** Re-aggregates everything from the store and redraws. */
  renderFull(layout: TimeLayout, palette: Palette): void {
    this.layout = layout;
    this.palette = palette;
    const { store } = this.deps;
    const rows = store.rows.length;
    this.rowH = rowHeightFor(rows);
    this.grid.reset(rows, Math.max(16, Math.round(layout.plotWidth)));
    this.grid.update(this.series(), store.statSteps.length);
    this.scale = makeScale(this.def, store.extent(this.def.id));
    this.empty.hidden = store.statSteps.length > 0;
    this.paint(0, true);
    this.drawFrame();
    this.drawLabels();
    this.drawMarkers();
    this.drawSelection();
    this.drawLegendNow();
  }

  /**
   * New stats samples (and perhaps anomalies) arrived; rows are unchanged. `moved`: the step axis or the width
   * changed, so everything must be placed again; otherwise only new buckets are painted.
   */
  renderAppend(layout: TimeLayout, palette: Palette, moved: boolean, anomalies: boolean): void {
    if (!this.scale || this.grid.rows !== this.deps.store.rows.length) return this.renderFull(layout, palette);
    this.layout = layout;
    const { store } = this.deps;
    const before = this.grid.count;
    const sizeBefore = this.grid.size;
    const first = this.grid.update(this.series(), store.statSteps.length);
    const domain = domainFor(this.def, store.extent(this.def.id));
    const domainChanged = domain[0] !== this.scale.domain[0] || domain[1] !== this.scale.domain[1];
    if (domainChanged) {
      this.scale.domain = domain;
      this.drawLegendNow();
    } else if (this.grid.size !== sizeBefore) this.drawLegendNow();
    this.empty.hidden = store.statSteps.length > 0;
    this.paint(first, domainChanged || this.grid.count !== before);
    if (moved) this.drawFrame();
    else this.placeCanvas();
    if (moved || anomalies || this.grid.size !== sizeBefore) this.drawMarkers();
    if (moved) this.drawSelection();
  }

  /** Anomalies changed but no stats: only the markers move. */
  renderMarkers(): void {
    if (this.layout) this.drawMarkers();
  }

  private series(): Float32Array[] {
    return this.deps.store.metric(this.def.id).map((c) => c.view());
  }

  private pick(r: number, b: number): number {
    const lo = this.grid.min[r][b];
    const hi = this.grid.max[r][b];
    switch (this.def.pick) {
      case 'max':
        return hi;
      case 'min':
        return lo;
      case 'absMax':
        return Math.abs(lo) > Math.abs(hi) ? lo : hi;
    }
  }

  /** Colours buckets [from, count) into the image and blits them; `all` repaints every column. */
  private paint(from: number, all: boolean): void {
    const scale = this.scale;
    if (!scale) return;
    const w = Math.max(1, this.grid.count);
    const h = Math.max(1, this.grid.rows);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    if (this.canvas.width !== w || this.canvas.height !== h || !this.image) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = ctx.createImageData(w, h);
      all = true;
    }
    const start = all ? 0 : Math.max(0, Math.min(from, w - 1));
    const data = this.image.data;
    const lut = scale.lut;
    const [lo, hi] = scale.domain;
    const span = hi - lo;
    const log = scale.log;
    const last = LUT_SIZE - 1;
    for (let r = 0; r < this.grid.rows; r++) {
      for (let b = start; b < w; b++) {
        const o = (r * w + b) * 4;
        const v = this.pick(r, b);
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
    ctx.putImageData(this.image, 0, 0, start, 0, w - start, h);
  }

  private plotHeight(): number {
    return Math.max(1, this.grid.rows) * this.rowH;
  }

  /** Geometry and the axis; cheap enough to run on every update. */
  private drawFrame(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    const ph = this.plotHeight();
    const height = TOP + ph + BOTTOM;
    this.clip.style.left = `${layout.left}px`;
    this.clip.style.top = `${TOP}px`;
    this.clip.style.width = `${layout.plotWidth}px`;
    this.clip.style.height = `${ph}px`;
    this.placeCanvas();
    const svg = select(this.svg)
      .attr('role', 'group')
      .attr(
        'aria-label',
        `${this.def.label} per layer and step: ${this.grid.rows} layers, ${this.deps.store.statSteps.length} steps. Layer rows can be focused; Enter reveals the layer in the source.`,
      )
      .attr('width', layout.width)
      .attr('height', height)
      .attr('color', palette.fg)
      .attr('font-family', palette.fontFamily);
    this.svg.parentElement?.style.setProperty('height', `${height}px`);

    const axis = ensure<SVGGElement>(svg, 'g', 'x-axis').attr('transform', `translate(${layout.left},${TOP - 14})`);
    drawStepAxis(axis, layout, palette, 'top');
    ensure(svg, 'text', 'x-title')
      .attr('x', layout.left - 8)
      .attr('y', TOP - 20)
      .attr('text-anchor', 'end')
      .attr('font-size', 10)
      .attr('fill', palette.muted)
      .text('step');

    const plot = ensure(svg, 'g', 'plot').attr('transform', `translate(${layout.left},${TOP})`);
    ensure(plot, 'rect', 'plot-border')
      .attr('width', layout.plotWidth)
      .attr('height', ph)
      .attr('fill', 'none')
      .attr('stroke', palette.border);
    // Thin separators in the background colour keep rows apart when they are tall enough to need it.
    const seps = this.rowH >= 12 ? Array.from({ length: Math.max(0, this.grid.rows - 1) }, (_, i) => i + 1) : [];
    ensure(plot, 'g', 'separators')
      .attr('stroke', palette.bg)
      .attr('stroke-opacity', 0.7)
      .selectAll('line')
      .data(seps)
      .join('line')
      .attr('x1', 0)
      .attr('x2', layout.plotWidth)
      .attr('y1', (r) => r * this.rowH + 0.5)
      .attr('y2', (r) => r * this.rowH + 0.5);
    const hit = ensure(plot, 'rect', 'hit')
      .attr('width', layout.plotWidth)
      .attr('height', ph)
      .attr('fill', 'transparent')
      .style('cursor', 'pointer');
    hit
      .on('mousemove', (ev: MouseEvent) => this.hover(ev))
      .on('mouseleave', () => this.deps.tooltip.hide())
      .on('click', (ev: MouseEvent) => {
        const row = this.rowAt(ev);
        if (row !== undefined) this.deps.onRowActivate(this.deps.store.rows[row]);
      });
    ensure(plot, 'g', 'selection');
    ensure(plot, 'g', 'markers');
    ensure(svg, 'g', 'run-markers');
  }

  /** Stretches the one-pixel-per-bucket canvas over the steps its buckets cover. */
  private placeCanvas(): void {
    const layout = this.layout;
    if (!layout) return;
    const steps = this.deps.store.statSteps;
    const n = steps.length;
    if (n > 0) {
      this.originX = layout.x(steps.get(0));
      this.sampleW = (layout.x(steps.get(n - 1) + 1) - this.originX) / n;
    }
    const left = `${this.originX}px`;
    const width = `${Math.max(0, this.grid.count * this.grid.size * this.sampleW)}px`;
    const height = `${this.plotHeight()}px`;
    // Unchanged style writes still cost a style recalculation: skip them.
    if (this.canvas.style.left !== left) this.canvas.style.left = left;
    if (this.canvas.style.width !== width) this.canvas.style.width = width;
    if (this.canvas.style.height !== height) this.canvas.style.height = height;
  }

  private rowAt(ev: MouseEvent): number | undefined {
    const rect = this.svg.getBoundingClientRect();
    const y = ev.clientY - rect.top - TOP;
    const r = Math.floor(y / this.rowH);
    return r >= 0 && r < this.deps.store.rows.length ? r : undefined;
  }

  /** Sample index under a plot x (CSS px), or undefined outside the data. */
  private sampleAt(px: number): number | undefined {
    const n = this.deps.store.statSteps.length;
    const i = Math.floor((px - this.originX) / this.sampleW);
    return i >= 0 && i < n ? i : undefined;
  }

  private hover(ev: MouseEvent): void {
    const layout = this.layout;
    if (!layout) return;
    const rect = this.svg.getBoundingClientRect();
    const r = this.rowAt(ev);
    const i = this.sampleAt(ev.clientX - rect.left - layout.left);
    if (r === undefined || i === undefined) return this.deps.tooltip.hide();
    this.deps.tooltip.show(this.cellLines(r, Math.floor(i / this.grid.size)), ev.clientX, ev.clientY);
  }

  /** What a cell holds, for the tooltip: layer, steps, value(s) and anomalies that fired there. */
  private cellLines(r: number, b: number): string[] {
    const { store } = this.deps;
    const row = store.rows[r];
    const [a, z] = this.grid.span(b);
    const s0 = store.statSteps.get(a);
    const s1 = store.statSteps.get(z - 1);
    const lo = this.grid.min[r][b];
    const hi = this.grid.max[r][b];
    const lines = [
      `${row.name}${row.source ? `  (${shortLocation(row.source)})` : ''}`,
      s0 === s1 ? `step ${s0}` : `steps ${s0}–${s1}`,
      s0 === s1 || lo === hi ? `${this.def.label}: ${fmtNum(hi)}` : `${this.def.label}: max ${fmtNum(hi)}, min ${fmtNum(lo)}`,
    ];
    if (this.def.id === 'gradNorm' && row.paramCount === 0) lines.push('(gradient of the layer output: no parameters)');
    const inCell = store.anomalies.filter((an) => an.layer?.id === row.id && an.step >= s0 && an.step <= s1);
    for (const an of inCell.slice(0, 3)) lines.push(`⚠ ${an.message}`);
    return lines;
  }

  /**
   * Keyboard access to the cells: with a row label focused, Left/Right/Home/End move a cursor along the steps and
   * the tooltip reads the cell out; Up/Down keep the column.
   */
  private moveCursor(r: number, key: string): void {
    const last = this.grid.count - 1;
    if (last < 0 || !this.layout) return;
    let c = Math.min(this.cursor ?? last, last);
    if (key === 'ArrowRight') c = Math.min(last, c + 1);
    else if (key === 'ArrowLeft') c = Math.max(0, c - 1);
    else if (key === 'Home') c = 0;
    else if (key === 'End') c = last;
    this.cursor = c;
    this.showCursor(r);
  }

  private showCursor(r: number): void {
    const layout = this.layout;
    const palette = this.palette;
    if (this.cursor === undefined || !layout || !palette) return;
    const b = this.cursor;
    const x0 = Math.max(0, this.originX + b * this.grid.size * this.sampleW);
    const w = Math.max(2, Math.min(layout.plotWidth, x0 + this.grid.size * this.sampleW) - x0);
    select(this.svg)
      .select<SVGGElement>('g.plot g.selection')
      .selectAll('rect.cursor')
      .data([b])
      .join('rect')
      .attr('class', 'cursor')
      .attr('x', x0 - 1)
      .attr('y', r * this.rowH - 1)
      .attr('width', w + 2)
      .attr('height', this.rowH + 2)
      .attr('fill', 'none')
      .attr('stroke', palette.focus)
      .attr('stroke-width', 2)
      .attr('pointer-events', 'none');
    const rect = this.svg.getBoundingClientRect();
    this.deps.tooltip.show(this.cellLines(r, b), rect.left + layout.left + x0 + w, rect.top + TOP + (r + 1) * this.rowH);
  }

  private hideCursor(): void {
    select(this.svg).selectAll('g.plot g.selection rect.cursor').remove();
    this.deps.tooltip.hide();
  }

  private drawLabels(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    const { store } = this.deps;
    const rowH = this.rowH;
    const fontSize = rowH >= 16 ? 11 : rowH >= 12 ? 10 : 9;
    const maxChars = Math.max(8, Math.floor((layout.left - 14) / (fontSize * 0.58)));
    const labels = ensure(select(this.svg), 'g', 'labels').attr('transform', `translate(0,${TOP})`);
    const g = labels
      .selectAll<SVGGElement, LayerRow>('g.row-label')
      .data(store.rows, (d) => d.id)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'row-label').attr('tabindex', 0).attr('role', 'button');
        e.append('rect').attr('class', 'row-hit');
        e.append('text');
        e.append('title');
        return e;
      })
      .attr('transform', (_, i) => `translate(0,${i * rowH})`)
      .attr('data-layer', (d) => d.id)
      .attr(
        'aria-label',
        (d) =>
          `Layer ${d.name}${d.source ? ` at ${shortLocation(d.source)}` : ''}: Enter reveals it in the source, Left and Right read its cells`,
      )
      .style('cursor', 'pointer');
    g.select('rect.row-hit')
      .attr('width', layout.left - 4)
      .attr('height', rowH)
      .attr('fill', 'transparent');
    g.select('title').text((d) => `${d.name}${d.source ? `\n${shortLocation(d.source)}` : ''}\n(click to reveal in source)`);
    g.select('text')
      .attr('x', layout.left - 8)
      .attr('y', rowH / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', fontSize)
      .each(function (d) {
        const loc = shortLocation(d.source);
        const room = Math.max(4, maxChars - (loc ? loc.length + 2 : 0));
        const name = d.name.length > room ? `${d.name.slice(0, room - 1)}…` : d.name;
        const t = select(this);
        t.selectAll('tspan')
          .data(loc ? [name, `  ${loc}`] : [name])
          .join('tspan')
          .attr('fill', (_, k) => (k === 0 ? palette.fg : palette.muted))
          .attr('xml:space', 'preserve')
          .text((s) => s);
      });
    g.on('click', (_ev: MouseEvent, d) => this.deps.onRowActivate(d)).on('keydown', (ev: KeyboardEvent, d) => {
      const el = ev.currentTarget as SVGGElement;
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        this.deps.onRowActivate(d);
      } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const next = (ev.key === 'ArrowDown' ? el.nextElementSibling : el.previousElementSibling) as SVGGElement | null;
        next?.focus();
      } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft' || ev.key === 'Home' || ev.key === 'End') {
        ev.preventDefault();
        const r = this.deps.store.rowOf(d.id);
        if (r !== undefined) this.moveCursor(r, ev.key);
      } else if (ev.key === 'Escape') this.hideCursor();
    });
    g.on('focus', (_ev: FocusEvent, d) => {
      const r = this.deps.store.rowOf(d.id);
      if (r !== undefined && this.cursor !== undefined) this.showCursor(r);
    }).on('blur', () => this.hideCursor());
  }

  private drawSelection(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    const r = this.selected === undefined ? undefined : this.deps.store.rowOf(this.selected);
    select(this.svg)
      .select<SVGGElement>('g.plot g.selection')
      .selectAll('rect.selected-row')
      .data(r === undefined ? [] : [r])
      .join('rect')
      .attr('class', 'selected-row')
      .attr('x', 0.5)
      .attr('y', (d) => d * this.rowH + 0.5)
      .attr('width', layout.plotWidth - 1)
      .attr('height', this.rowH - 1)
      .attr('fill', 'none')
      .attr('stroke', palette.focus)
      .attr('stroke-width', 1.5)
      .attr('pointer-events', 'none');
    select(this.svg)
      .selectAll<SVGGElement, LayerRow>('g.row-label')
      .attr('aria-pressed', (d) => String(d.id === this.selected))
      .select('text')
      .attr('font-weight', (d) => (d.id === this.selected ? 600 : null));
  }

  /** x (plot coordinates) of the sample holding `step`. */
  private stepX(step: number): number {
    const steps = this.deps.store.statSteps;
    const n = steps.length;
    const i = Math.min(n - 1, lowerBound(steps.view(), step));
    return this.originX + (i + 0.5) * this.sampleW;
  }

  private drawMarkers(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    const { store } = this.deps;
    const n = store.statSteps.length;
    const cells = new Map<string, MarkerCell>();
    const runLevel = new Map<string, MarkerCell>();
    if (n > 0) {
      for (const an of store.anomalies) {
        const row = an.layer ? store.rowOf(an.layer.id) : undefined;
        const i = Math.min(n - 1, lowerBound(store.statSteps.view(), an.step));
        const b = Math.floor(i / this.grid.size);
        const target = row === undefined ? runLevel : cells;
        const key = `${row ?? 'run'}:${b}`;
        const cell = target.get(key);
        if (cell) cell.anomalies.push(an);
        else target.set(key, { key, row: row ?? -1, x: this.stepX(an.step), anomalies: [an] });
      }
    }
    const clampX = (x: number): number => Math.max(3, Math.min(layout.plotWidth - 3, x));
    const radius = Math.max(2.5, Math.min(5, this.rowH / 2 - 2));
    const title = (d: MarkerCell): string =>
      d.anomalies
        .slice(0, 5)
        .map((a) => a.message)
        .join('\n') + (d.anomalies.length > 5 ? `\n… ${d.anomalies.length - 5} more` : '');
    const markers = select(this.svg)
      .select<SVGGElement>('g.plot g.markers')
      .selectAll<SVGGElement, MarkerCell>('g.anomaly-marker')
      .data([...cells.values()], (d) => d.key)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'anomaly-marker');
        e.append('circle').attr('class', 'halo');
        e.append('circle').attr('class', 'ring');
        e.append('title');
        return e;
      })
      .attr('transform', (d) => `translate(${clampX(d.x)},${d.row * this.rowH + this.rowH / 2})`)
      .attr('data-step', (d) => d.anomalies[0].step)
      .attr('data-layer', (d) => d.anomalies[0].layer?.id ?? '')
      .attr('data-kind', (d) => d.anomalies[0].kind)
      .attr('data-count', (d) => d.anomalies.length)
      .style('cursor', 'pointer')
      .on('click', (_ev: MouseEvent, d) => {
        const row = store.rows[d.row];
        if (row) this.deps.onRowActivate(row);
      });
    markers.select('circle.halo').attr('r', radius + 1.5).attr('fill', 'none').attr('stroke', palette.bg).attr('stroke-width', 3);
    markers.select('circle.ring').attr('r', radius).attr('fill', 'none').attr('stroke', palette.error).attr('stroke-width', 2);
    markers.select('title').text(title);

    const run = select(this.svg)
      .select<SVGGElement>('g.run-markers')
      .attr('transform', `translate(${layout.left},${TOP - 6})`)
      .selectAll<SVGPathElement, MarkerCell>('path.run-marker')
      .data([...runLevel.values()], (d) => d.key)
      .join((enter) => enter.append('path').attr('class', 'run-marker'))
      .attr('d', 'M-4.5,-5L4.5,-5L0,2Z')
      .attr('transform', (d) => `translate(${clampX(d.x)},0)`)
      .attr('fill', palette.error)
      .attr('data-step', (d) => d.anomalies[0].step)
      .attr('data-kind', (d) => d.anomalies[0].kind);
    run.selectAll('title').data((d) => [d]).join('title').text(title);
  }

  private drawLegendNow(): void {
    if (!this.scale || !this.palette || !this.layout) return;
    drawLegend(this.legend, {
      title: `${this.def.label} — ${this.def.legend}`,
      scale: this.scale,
      palette: this.palette,
      left: this.layout.left,
      width: Math.min(320, this.layout.plotWidth),
      totalWidth: this.layout.width,
      note: this.grid.size > 1 ? `each column: ${this.grid.size} steps, showing the ${pickWord(this.def)}` : '',
    });
  }

  fileStem(): string {
    return `heatmap-${this.def.id}`;
  }

  toSvg(): { svg: string; width: number; height: number } {
    const layout = this.layout;
    const width = layout?.width ?? 400;
    const mainH = Number(this.svg.getAttribute('height') ?? 0);
    const height = LEGEND_HEIGHT + mainH;
    const out = document.createElementNS(SVG_NS, 'svg');
    out.setAttribute('width', String(width));
    out.setAttribute('height', String(height));
    out.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const bg = document.createElementNS(SVG_NS, 'rect');
    bg.setAttribute('width', '100%');
    bg.setAttribute('height', '100%');
    bg.setAttribute('fill', this.palette?.bg ?? '#fff');
    out.appendChild(bg);
    out.appendChild(cloneAsGroup(this.legend, 0));
    const main = cloneAsGroup(this.svg, LEGEND_HEIGHT);
    main.querySelector('rect.hit')?.remove();
    const plot = main.querySelector('g.plot');
    if (plot && layout) {
      const clipId = 'gl-heatmap-clip';
      const defs = document.createElementNS(SVG_NS, 'defs');
      const cp = document.createElementNS(SVG_NS, 'clipPath');
      cp.setAttribute('id', clipId);
      const cr = document.createElementNS(SVG_NS, 'rect');
      cr.setAttribute('width', String(layout.plotWidth));
      cr.setAttribute('height', String(this.plotHeight()));
      cp.appendChild(cr);
      defs.appendChild(cp);
      out.insertBefore(defs, out.firstChild);
      const cssW = parseFloat(this.canvas.style.width) || 0;
      const img = document.createElementNS(SVG_NS, 'image');
      img.setAttribute('x', String(this.originX));
      img.setAttribute('y', '0');
      img.setAttribute('width', String(cssW));
      img.setAttribute('height', String(this.plotHeight()));
      img.setAttribute('preserveAspectRatio', 'none');
      img.setAttribute('clip-path', `url(#${clipId})`);
      img.setAttribute('href', crispDataUrl(this.canvas, cssW, this.plotHeight()));
      plot.insertBefore(img, plot.firstChild);
    }
    out.appendChild(main);
    return { svg: serializeSvg(out), width, height };
  }

  toCsv(): string {
    const { store } = this.deps;
    const cols = this.series();
    const rows: (string | number)[][] = [['step', ...store.rows.map((r) => r.id)]];
    for (let i = 0; i < store.statSteps.length; i++) {
      rows.push([store.statSteps.get(i), ...cols.map((c) => c[i])]);
    }
    return toCsv(rows);
  }

  toJson(): string {
    const { store } = this.deps;
    const cols = this.series();
    return JSON.stringify({
      metric: this.def.id,
      label: this.def.label,
      layers: store.rows.map((r) => ({ id: r.id, name: r.name, source: r.source })),
      steps: Array.from(store.statSteps.view()),
      values: cols.map((c) => Array.from(c, jsonNumber)),
    });
  }
}

function pickWord(def: MetricDef): string {
  return def.pick === 'max' ? 'maximum' : def.pick === 'min' ? 'minimum' : 'extreme';
}
