// The panel: builds the sections, feeds host messages into the store, and redraws what changed once per frame.
// Everything VS Code-specific is behind HostBridge, so the same code renders a recorded run in a plain page.
import type { EngineMessage, HostToWebview, LayerRef, SourceLocation, WebviewToHost } from '../protocol/messages';
import type { HostBridge } from './bridge';
import { Heatmap } from './charts/heatmap';
import { HistStrip } from './charts/histStrip';
import { timeLayout, type TimeLayout } from './charts/layout';
import { LossChart } from './charts/lossChart';
import { RunControls } from './controls';
import { h, option, tk, type CheckedElement, type ValueElement } from './dom';
import { svgToPng, type ExportableChart } from './export';
import { shortLocation } from './format';
import { isMetricId, METRICS } from './metrics';
import { FrameScheduler } from './scheduler';
import { noChanges, RunStore, type Changes } from './store';
import { applyThemeClass, readPalette, type Palette } from './theme';
import { Tooltip } from './tooltip';
import { parseUiState, type HistKind, type UiState } from './uiState';
import { anomaliesCsv, WarningsList } from './warnings';
import { WhatIfControl } from './whatIf';

type ExportFormat = Extract<WebviewToHost, { type: 'export' }>['format'];

export class App {
  readonly store = new RunStore();
  readonly ui: UiState;
  private readonly scheduler: FrameScheduler;
  private pending: Changes = noChanges();
  private needFull = true;
  private palette?: Palette;
  private lastDomain = '';
  private readonly tooltip: Tooltip;
  private readonly controls: RunControls;
  private readonly whatIf: WhatIfControl;
  readonly heatmap: Heatmap;
  readonly loss: LossChart;
  readonly hist: HistStrip;
  private readonly warnings: WarningsList;
  private readonly metricSelect: ValueElement;
  private readonly layerSelect: HTMLSelectElement;
  private readonly kindSelect: ValueElement;
  private readonly smoothing: HTMLInputElement;
  private readonly smoothingOut: HTMLOutputElement;
  private readonly logScale: CheckedElement;
  private readonly warningsTitle: HTMLElement;
  private readonly chartWidthOf: HTMLElement;
  private layerOptionsKey = '';
  private width = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly bridge: HostBridge,
  ) {
    this.ui = parseUiState(bridge.getState());
    this.scheduler = new FrameScheduler(() => this.draw());
    this.tooltip = new Tooltip(root.ownerDocument);
    this.controls = new RunControls(bridge.live, (command) => this.post({ type: 'control', command }));
    this.whatIf = new WhatIfControl(bridge.live, this.store, (m) => this.post(m), () => {
      this.pending.anomalies = true;
      this.scheduler.request();
    });

    // Heatmap section
    this.metricSelect = tk<ValueElement>(
      'vscode-dropdown',
      { id: 'gl-metric', 'aria-label': 'Heatmap metric' },
      ...METRICS.map((m) => option(m.id, m.label)),
    );
    this.metricSelect.addEventListener('change', () => {
      const v = this.metricSelect.value;
      if (isMetricId(v) && v !== this.ui.metric) {
        this.ui.metric = v;
        this.heatmap.setMetric(v);
        this.saveState();
        this.invalidate();
      }
    });
    const heatmapBody = h('div', { class: 'gl-chart', id: 'gl-heatmap' });
    this.chartWidthOf = heatmapBody;

    // Loss section
    this.smoothing = h('input', {
      type: 'range',
      id: 'gl-smoothing',
      min: '0',
      max: '0.99',
      step: '0.01',
      'aria-label': 'Loss smoothing (exponential moving average weight)',
    });
    this.smoothingOut = h('output', { for: 'gl-smoothing', class: 'gl-smoothing-value' });
    this.smoothing.addEventListener('input', () => {
      this.ui.smoothing = Number(this.smoothing.value);
      this.smoothingOut.textContent = this.ui.smoothing.toFixed(2);
      this.loss.setSmoothing(this.ui.smoothing);
      this.saveState();
      this.invalidate();
    });
    this.logScale = tk<CheckedElement>('vscode-checkbox', { id: 'gl-logscale' }, 'Log scale');
    this.logScale.addEventListener('change', () => {
      if (this.logScale.checked === this.ui.logScale) return;
      this.ui.logScale = this.logScale.checked;
      this.loss.setLogScale(this.ui.logScale);
      this.saveState();
      this.invalidate();
    });
    const lossBody = h('div', { class: 'gl-chart', id: 'gl-loss' });

    // Distributions section
    // A native <select>: its options are rebuilt when layers appear, and it never reports that as a user's choice
    // (the toolkit dropdown re-selects its first option on such changes); type-ahead helps with 100 layers too.
    this.layerSelect = h('select', { id: 'gl-layer', class: 'gl-select', 'aria-label': 'Layer for distributions' });
    this.layerSelect.addEventListener('change', () => {
      const id = this.layerSelect.value;
      if (id && id !== this.ui.selectedLayer) this.selectLayer(id);
    });
    this.kindSelect = tk<ValueElement>(
      'vscode-dropdown',
      { id: 'gl-histkind', 'aria-label': 'Distribution of' },
      option('activation', 'Activations'),
      option('gradient', 'Gradients'),
    );
    this.kindSelect.addEventListener('change', () => {
      const k: HistKind = this.kindSelect.value === 'gradient' ? 'gradient' : 'activation';
      if (k === this.ui.histKind) return;
      this.ui.histKind = k;
      this.saveState();
      this.invalidate();
    });
    const histBody = h('div', { class: 'gl-chart', id: 'gl-hist' });

    const warnBody = h('div', { class: 'gl-warnings-body', id: 'gl-warnings' });
    this.warningsTitle = h('h2', { id: 'gl-warnings-h' }, 'Warnings');

    this.heatmap = new Heatmap(heatmapBody, {
      store: this.store,
      tooltip: this.tooltip,
      onRowActivate: (row) => this.activateLayer(row.id, row.source),
    });
    this.loss = new LossChart(lossBody, this.store, this.tooltip);
    this.hist = new HistStrip(histBody, this.store, this.tooltip);
    this.warnings = new WarningsList(warnBody, (layer: LayerRef) => this.activateLayer(layer.id, layer.source));

    root.append(
      this.controls.el,
      this.whatIf.el,
      section(
        'heatmap',
        h('h2', { id: 'gl-heatmap-h' }, 'Layers over time'),
        [labelled('Metric', this.metricSelect), this.exportGroup('heatmap', () => this.heatmap)],
        heatmapBody,
      ),
      section(
        'loss',
        h('h2', { id: 'gl-loss-h' }, 'Loss'),
        [
          h('label', { class: 'gl-inline', for: 'gl-smoothing' }, 'Smoothing', this.smoothing, this.smoothingOut),
          this.logScale,
          this.exportGroup('loss', () => this.loss),
        ],
        lossBody,
      ),
      section(
        'hist',
        h('h2', { id: 'gl-hist-h' }, 'Distributions'),
        [labelled('Layer', this.layerSelect), this.kindSelect, this.exportGroup('distribution', () => this.hist)],
        histBody,
      ),
      section('warnings', this.warningsTitle, [this.dataExportGroup()], warnBody),
    );
    this.applyUiState();

    new ResizeObserver((entries) => {
      const w = Math.round(entries[entries.length - 1]?.contentRect.width ?? 0);
      if (w && w !== this.width) {
        this.width = 0; // re-read from the chart container, which excludes the section padding
        this.invalidate();
      }
    }).observe(heatmapBody);
    // VS Code switches themes by changing the body class; the palette must be read again.
    new MutationObserver(() => this.invalidate()).observe(root.ownerDocument.body, {
      attributes: true,
      attributeFilter: ['class'],
    });
  }

  /** Handles a HostToWebview message (from window 'message' events). */
  receive(message: HostToWebview): void {
    switch (message.type) {
      case 'reset':
        this.store.clear();
        this.whatIf.runReset();
        this.pending = noChanges();
        this.invalidate();
        return;
      case 'messages':
        this.ingest(message.messages);
        if (message.messages.some((m) => m.type === 'step')) this.whatIf.runGrew();
        return;
      case 'whatIf':
        this.whatIf.receive(message);
        return;
      case 'theme':
        applyThemeClass(message.kind);
        return;
    }
  }

  ingest(messages: readonly EngineMessage[]): void {
    this.store.ingest(messages, this.pending);
    if (this.pending.reset || this.pending.rows) this.needFull = true;
    this.scheduler.request();
  }

  /** Forces a full redraw on the next frame. */
  invalidate(): void {
    this.needFull = true;
    this.scheduler.request();
  }

  /** Draws pending changes now instead of on the next frame (tests and benchmarks). */
  flush(): void {
    this.scheduler.request();
    this.scheduler.flush();
  }

  private draw(): void {
    const ch = this.pending;
    this.pending = noChanges();
    const full = this.needFull;
    this.needFull = false;
    if (full || !this.palette) this.palette = readPalette(this.root.ownerDocument.body);
    const palette = this.palette;
    const layout = this.renderLayout();
    const domain = `${layout.x.domain().join(',')}|${layout.width}`;
    const moved = domain !== this.lastDomain;
    this.lastDomain = domain;

    if (full || ch.rows) this.syncLayerOptions();
    if (full) this.heatmap.renderFull(layout, palette);
    else if (ch.stats || moved) this.heatmap.renderAppend(layout, palette, moved, ch.anomalies);
    else if (ch.anomalies) this.heatmap.renderMarkers();

    if (full || moved || ch.steps || ch.epochs || ch.metrics || ch.anomalies) this.loss.render(layout, palette, full);

    const histLayer = this.ui.selectedLayer ?? this.defaultHistLayer();
    const histChanged = this.hist.setSelection(histLayer, this.ui.histKind);
    if (full || moved || histChanged) this.hist.render(layout, palette);
    else if (histLayer !== undefined && ch.hist.has(histLayer)) this.hist.append(layout, palette);

    if (full || ch.anomalies) {
      this.warnings.render(this.store.anomalies);
      const n = this.store.anomalies.length;
      const what = this.store.whatIf ? 'what if, ' : '';
      this.warningsTitle.textContent = n || what ? `Warnings (${what}${n})` : 'Warnings';
    }
    if (full || ch.status || ch.meta || ch.steps) this.controls.render(this.store);
  }

  private renderLayout(): TimeLayout {
    // Reading clientWidth forces a layout; the ResizeObserver keeps the width instead.
    this.width ||= this.chartWidthOf.clientWidth || this.root.clientWidth;
    const family = (this.palette ??= readPalette(this.root.ownerDocument.body)).fontFamily;
    return timeLayout(this.width, this.store, this.heatmap.labelColumnWidth(this.width, family));
  }

  /** Without a user choice, show the first layer that has histograms. */
  private defaultHistLayer(): string | undefined {
    for (const r of this.store.rows) if (this.store.hist.has(r.id)) return r.id;
    return this.store.rows[0]?.id;
  }

  private syncLayerOptions(): void {
    const key = this.store.rows.map((r) => r.id).join('\u0000');
    if (key === this.layerOptionsKey) return;
    this.layerOptionsKey = key;
    this.layerSelect.replaceChildren(
      ...this.store.rows.map((r) => h('option', { value: r.id }, `${r.name}${r.source ? ` — ${shortLocation(r.source)}` : ''}`)),
    );
    const sel = this.ui.selectedLayer ?? this.defaultHistLayer();
    if (sel !== undefined) this.layerSelect.value = sel;
  }

  private activateLayer(layerId: string, source: SourceLocation | undefined): void {
    this.selectLayer(layerId);
    this.post(source ? { type: 'revealLayer', layerId, source } : { type: 'revealLayer', layerId });
  }

  private selectLayer(layerId: string): void {
    this.ui.selectedLayer = layerId;
    this.heatmap.setSelected(layerId);
    if (this.layerSelect.value !== layerId) this.layerSelect.value = layerId;
    this.saveState();
    const palette = this.palette;
    if (palette) {
      this.hist.setSelection(layerId, this.ui.histKind);
      this.hist.render(this.renderLayout(), palette);
    } else this.invalidate();
  }

  private applyUiState(): void {
    this.heatmap.setMetric(this.ui.metric);
    this.heatmap.setSelected(this.ui.selectedLayer);
    this.loss.setSmoothing(this.ui.smoothing);
    this.loss.setLogScale(this.ui.logScale);
    this.metricSelect.value = this.ui.metric;
    this.kindSelect.value = this.ui.histKind;
    this.smoothing.value = String(this.ui.smoothing);
    this.smoothingOut.textContent = this.ui.smoothing.toFixed(2);
    this.logScale.checked = this.ui.logScale;
  }

  private saveState(): void {
    this.bridge.setState({ ...this.ui });
  }

  private post(message: WebviewToHost): void {
    this.bridge.post(message);
  }

  private exportGroup(label: string, chart: () => ExportableChart): HTMLElement {
    const formats: ExportFormat[] = ['png', 'svg', 'csv', 'json'];
    return h(
      'div',
      { class: 'gl-export', role: 'group', 'aria-label': `Export ${label}` },
      ...formats.map((f) => {
        const b = h('button', { type: 'button', class: 'gl-mini', 'data-export': `${label}.${f}`, title: `Export ${label} as ${f.toUpperCase()}` }, f.toUpperCase());
        b.addEventListener('click', () => void this.exportChart(chart(), f));
        return b;
      }),
    );
  }

  private dataExportGroup(): HTMLElement {
    const make = (f: 'csv' | 'json'): HTMLElement => {
      const b = h('button', { type: 'button', class: 'gl-mini', 'data-export': `warnings.${f}`, title: `Export warnings as ${f.toUpperCase()}` }, f.toUpperCase());
      b.addEventListener('click', () =>
        this.post({
          type: 'export',
          format: f,
          name: `gradlens-warnings.${f}`,
          data: f === 'csv' ? anomaliesCsv(this.store.anomalies) : JSON.stringify(this.store.anomalies, null, 2),
        }),
      );
      return b;
    };
    return h('div', { class: 'gl-export', role: 'group', 'aria-label': 'Export warnings' }, make('csv'), make('json'));
  }

  async exportChart(chart: ExportableChart, format: ExportFormat): Promise<void> {
    const name = `gradlens-${chart.fileStem()}.${format}`;
    let data: string;
    if (format === 'csv') data = chart.toCsv();
    else if (format === 'json') data = chart.toJson();
    else {
      const svg = chart.toSvg();
      data = format === 'svg' ? svg.svg : await svgToPng(svg.svg, svg.width, svg.height);
    }
    this.post({ type: 'export', format, name, data });
  }
}

function section(id: string, title: HTMLElement, tools: HTMLElement[], body: HTMLElement): HTMLElement {
  return h(
    'section',
    { class: `gl-section gl-section-${id}`, id: `gl-section-${id}`, 'aria-labelledby': title.id },
    h('div', { class: 'gl-section-head' }, title, h('div', { class: 'gl-tools' }, ...tools)),
    body,
  );
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  return h('span', { class: 'gl-inline' }, h('span', { class: 'gl-label' }, text), control);
}
