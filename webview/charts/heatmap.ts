// The layer x step heatmap: one row per layer in model order, its cells placed at their steps on the shared step
// axis (stepRaster.ts), painted into a canvas at one pixel per plot pixel, while the axis, row labels
// (heatmapLabels.ts), anomaly markers (heatmapMarkers.ts) and the legend are SVG around it; exports in
// heatmapExport.ts. Appending steps repaints only the pixel columns that changed.
import { select } from 'd3';
import { domainFor, makeScale, type ColourScale } from '../colour';
import { SVG_NS, type ExportableChart } from '../export';
import { metricDef, type MetricDef, type MetricId } from '../metrics';
import type { LayerRow, RunStore } from '../store';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import { cellLines } from './heatmapCells';
import { CellCursor } from './heatmapCursor';
import { heatmapCsv, heatmapJson, heatmapSvg } from './heatmapExport';
import { drawRowLabels, labelColumnWidth, labelWidths, TextMeasure } from './heatmapLabels';
import { drawHeatmapFrame } from './heatmapFrame';
import { drawMarkers } from './heatmapMarkers';
import { paintRaster } from './heatmapPaint';
import type { TimeLayout } from './layout';
import { drawLegend } from './legend';
import { StepRaster } from './stepRaster';

const TOP = 38; // axis labels, ticks, then a strip for run-level anomaly markers
const BOTTOM = 6;

export interface HeatmapDeps {
  store: RunStore;
  tooltip: Tooltip;
  /** A row was clicked or activated from the keyboard. */
  onRowActivate(row: LayerRow): void;
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
  private readonly raster = new StepRaster();
  private readonly measure: TextMeasure;
  private scale?: ColourScale;
  private def: MetricDef = metricDef('gradNorm');
  private image?: ImageData;
  private layout?: TimeLayout;
  private palette?: Palette;
  private rowH = 20;
  private selected?: string;
  private readonly cursor: CellCursor;
  /** Several samples share a pixel column somewhere (the legend says which extreme shows). */
  private squeezed = false;
  private readonly empty: HTMLParagraphElement;

  constructor(
    container: HTMLElement,
    private readonly deps: HeatmapDeps,
  ) {
    const doc = container.ownerDocument;
    this.measure = new TextMeasure(doc);
    this.cursor = new CellCursor(() => {
      const layout = this.layout;
      const palette = this.palette;
      if (!layout || !palette) return undefined;
      const lines = (r: number, px: number) => this.cellLines(r, px);
      return { svg: this.svg, raster: this.raster, layout, palette, rowH: this.rowH, top: TOP, tooltip: this.deps.tooltip, lines };
    });
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

  /** The label column this chart needs at a chart width: every chart shares it as its left margin. */
  labelColumnWidth(chartWidth: number, fontFamily: string): number {
    const { store } = this.deps;
    const widths = labelWidths(store.rows, store.run?.modelFile, rowHeightFor(store.rows.length), fontFamily, this.measure);
    return labelColumnWidth(widths, chartWidth);
  }

  /** Re-aggregates everything from the store and redraws. */
  renderFull(layout: TimeLayout, palette: Palette): void {
    this.layout = layout;
    this.palette = palette;
    const { store } = this.deps;
    this.rowH = rowHeightFor(store.rows.length);
    const w = Math.max(1, Math.round(layout.plotWidth));
    const k = w / layout.plotWidth;
    this.raster.reset(store.rows.length, w, (step) => layout.x(step) * k);
    this.raster.update(this.series(), store.statSteps.view(), store.statSteps.length);
    this.scale = makeScale(this.def, store.extent(this.def.id));
    this.cursor.reset();
    this.showEmpty();
    this.paint(0);
    this.drawFrame();
    this.drawLabels();
    this.drawMarkersNow();
    this.drawSelection();
    this.drawLegendNow();
  }

  /**
   * New stats samples (and perhaps anomalies) arrived; rows are unchanged. `moved`: the step axis or the width
   * changed, so every cell must be placed again; otherwise only the columns from the last old sample on.
   */
  renderAppend(layout: TimeLayout, palette: Palette, moved: boolean, anomalies: boolean): void {
    const { store } = this.deps;
    if (moved || !this.scale || this.raster.rows !== store.rows.length) return this.renderFull(layout, palette);
    this.layout = layout;
    const first = this.raster.update(this.series(), store.statSteps.view(), store.statSteps.length);
    const domain = domainFor(this.def, store.extent(this.def.id));
    const domainChanged = domain[0] !== this.scale.domain[0] || domain[1] !== this.scale.domain[1];
    if (domainChanged) this.scale.domain = domain;
    const squeezed = this.squeezed;
    this.showEmpty();
    this.paint(domainChanged ? 0 : first);
    if (domainChanged || squeezed !== this.squeezed) this.drawLegendNow();
    if (anomalies) this.drawMarkersNow();
  }

  /** Anomalies changed but no stats: only the markers move. */
  renderMarkers(): void {
    if (this.layout) this.drawMarkersNow();
  }

  private series(): Float32Array[] {
    return this.deps.store.metric(this.def.id).map((c) => c.view());
  }

  /** What the empty chart says: waiting while a run may still send statistics, why there are none once it ended. */
  private showEmpty(): void {
    const { store } = this.deps;
    const none = store.statSteps.length === 0;
    this.empty.hidden = !none;
    if (!none) return;
    const st = store.status.state;
    const text =
      st === 'error'
        ? 'No per-layer statistics: the run ended with an error before any arrived (see the status line above).'
        : st === 'stopped'
          ? 'No per-layer statistics: the run was stopped before any arrived.'
          : st === 'finished'
            ? 'This run recorded no per-layer statistics.'
            : 'Waiting for per-layer statistics…';
    if (this.empty.textContent !== text) this.empty.textContent = text;
  }

  /** Colours raster columns [from, width) into the canvas. */
  private paint(from: number): void {
    if (!this.scale) return;
    this.image = paintRaster(this.canvas, this.image, this.raster, this.scale, this.def, from);
    let squeezed = false;
    for (let b = 0; b < this.raster.width && !squeezed; b++) squeezed = this.raster.first[b] !== this.raster.last[b];
    this.squeezed = squeezed;
  }

  private plotHeight(): number {
    return Math.max(1, this.raster.rows) * this.rowH;
  }

  /** Raster columns per plot pixel (1 up to the rounding of the plot width). */
  private pxScale(): number {
    return this.layout ? this.raster.width / this.layout.plotWidth : 1;
  }

  /** Geometry, the axis and the plot's layers (heatmapFrame.ts). */
  private drawFrame(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    drawHeatmapFrame(
      { svg: this.svg, clip: this.clip, canvas: this.canvas },
      {
        layout,
        palette,
        top: TOP,
        bottom: BOTTOM,
        rowH: this.rowH,
        rows: this.raster.rows,
        label: `${this.def.label} per layer and step: ${this.raster.rows} layers, ${this.deps.store.statSteps.length} steps with statistics. Layer rows can be focused; Enter reveals the layer in the source.`,
      },
      {
        move: (ev) => this.hover(ev),
        leave: () => this.deps.tooltip.hide(),
        click: (ev) => {
          const row = this.rowAt(ev);
          if (row !== undefined) this.deps.onRowActivate(this.deps.store.rows[row]);
        },
      },
    );
  }

  private rowAt(ev: MouseEvent): number | undefined {
    const rect = this.svg.getBoundingClientRect();
    const y = ev.clientY - rect.top - TOP;
    const r = Math.floor(y / this.rowH);
    return r >= 0 && r < this.deps.store.rows.length ? r : undefined;
  }

  private hover(ev: MouseEvent): void {
    const layout = this.layout;
    if (!layout) return;
    const rect = this.svg.getBoundingClientRect();
    const r = this.rowAt(ev);
    const cell = this.raster.cellAt((ev.clientX - rect.left - layout.left) * this.pxScale());
    if (r === undefined || !cell) return this.deps.tooltip.hide();
    this.deps.tooltip.show(this.cellLines(r, cell[0]), ev.clientX, ev.clientY);
  }

  private cellLines(r: number, px: number): string[] {
    return cellLines(this.deps.store, this.raster, this.def, r, px);
  }

  private drawLabels(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    const { store } = this.deps;
    drawRowLabels(
      this.svg,
      { rows: store.rows, modelFile: store.run?.modelFile, rowH: this.rowH, top: TOP, left: layout.left, palette, measure: this.measure },
      {
        activate: (row) => this.deps.onRowActivate(row),
        cursor: (row, key) => {
          const r = store.rowOf(row.id);
          if (r !== undefined) this.cursor.move(r, key);
        },
        focus: (row) => {
          const r = row ? store.rowOf(row.id) : undefined;
          if (r === undefined) this.cursor.hide();
          else this.cursor.show(r);
        },
      },
    );
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

  private drawMarkersNow(): void {
    const layout = this.layout;
    const palette = this.palette;
    if (!layout || !palette) return;
    const { store } = this.deps;
    drawMarkers(this.svg, {
      store,
      layout,
      palette,
      rowH: this.rowH,
      top: TOP,
      onActivateRow: (r) => {
        const row = store.rows[r];
        if (row) this.deps.onRowActivate(row);
      },
    });
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
      note: this.squeezed ? `several steps per pixel: the ${pickWord(this.def)} shows` : '',
    });
  }

  fileStem(): string {
    return `heatmap-${this.def.id}`;
  }

  toSvg(): { svg: string; width: number; height: number } {
    const layout = this.layout;
    return heatmapSvg({
      legend: this.legend,
      chart: this.svg,
      canvas: this.canvas,
      width: layout?.width ?? 400,
      plotWidth: layout?.plotWidth ?? 0,
      plotHeight: this.plotHeight(),
      background: this.palette?.bg ?? '#fff',
    });
  }

  toCsv(): string {
    return heatmapCsv(this.deps.store, this.series());
  }

  toJson(): string {
    return heatmapJson(this.deps.store, this.def, this.series());
  }
}

function pickWord(def: MetricDef): string {
  return def.pick === 'max' ? 'maximum' : def.pick === 'min' ? 'minimum' : 'extreme';
}
