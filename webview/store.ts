// The run as the webview knows it: a columnar store fed by EngineMessages. Per-layer metrics live in growing
// typed arrays (one per metric per layer, indexed by "stats sample"), so aggregation and drawing walk flat memory.
// The store knows nothing of the DOM; `ingest` reports what changed so the app redraws only that.
import type {
  Anomaly,
  BackendName,
  DetectorThresholds,
  EngineMessage,
  EngineMessageOf,
  Histogram,
  LayerInfo,
  LayerStats,
  ModelGraph,
  SourceLocation,
  TimeTravelEvent,
} from '../protocol/messages';
import { RunProgress } from '../protocol/run-state';
import { Column } from './column';
import { METRICS, type MetricId } from './metrics';

export interface LayerRow {
  id: string;
  name: string;
  type: string;
  source?: SourceLocation;
  paramCount: number;
}

export interface Extent {
  min: number;
  max: number;
  /** Smallest value > 0, for log scales (Infinity when none). */
  minPositive: number;
}

export interface HistSeries {
  steps: number[];
  activation: (Histogram | undefined)[];
  gradient: (Histogram | undefined)[];
}

export type RunState = 'waiting' | 'running' | 'paused' | 'finished' | 'stopped' | 'error';

export interface RunStatus {
  state: RunState;
  message?: string;
  step: number;
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  samplesPerSec: number;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  trainLoss: number;
  trainAccuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  durationMs: number;
}

/** One of the user's own metrics (gradlens.log): its values at the steps they were logged in. */
export interface UserSeries {
  name: string;
  steps: Column;
  /** NaN where the value was not finite (null on the wire). */
  values: Column;
}

/** The most user metrics the panel keeps; further names are counted, not drawn (a loop logging a new name per step). */
export const MAX_USER_SERIES = 12;

/** A "what if" re-scoring of the run with other detector thresholds (its own for the others). */
export interface WhatIfView {
  thresholds: Partial<DetectorThresholds>;
  /** Steps of the record that were re-scored. */
  steps: number;
  anomalies: Anomaly[];
}

export interface Changes {
  reset: boolean;
  rows: boolean;
  /** Stats samples were appended (the heatmap aggregates only the new ones). */
  stats: boolean;
  steps: boolean;
  epochs: boolean;
  /** The user's own metrics (gradlens.log) grew. */
  metrics: boolean;
  anomalies: boolean;
  /** Layer ids whose histograms grew. */
  hist: Set<string>;
  status: boolean;
  meta: boolean;
}

export function noChanges(): Changes {
  return {
    reset: false,
    rows: false,
    stats: false,
    steps: false,
    epochs: false,
    metrics: false,
    anomalies: false,
    hist: new Set(),
    status: false,
    meta: false,
  };
}

const emptyExtent = (): Extent => ({ min: Infinity, max: -Infinity, minPositive: Infinity });

export class RunStore {
  run?: EngineMessageOf<'runStarted'>;
  engine?: EngineMessageOf<'hello'>;
  graph?: ModelGraph;
  kernels: Record<string, BackendName> = {};
  rows: LayerRow[] = [];
  private rowIndex = new Map<string, number>();
  /** Ids of container modules (parents of other layers); their stats are sums of their children's. */
  private containers = new Set<string>();

  /** Step number of each stats sample (the heatmap's columns). */
  readonly statSteps = Column.f64();
  private metricCols = new Map<MetricId, Column<Float32Array>[]>();
  private extents = new Map<MetricId, Extent>();

  readonly stepNo = Column.f64();
  readonly loss = Column.f64();
  readonly lr = Column.f64();
  readonly samplesPerSec = Column.f64();
  /** The run's progress as every side folds it (protocol/run-state.ts): the status line's step and samples/s. */
  private progress = new RunProgress();
  epochs: EpochRecord[] = [];
  /** The user's own metrics by name, in the order first logged. */
  userMetrics = new Map<string, UserSeries>();
  /** Points of user metrics received (a key for redrawing) and names left out past MAX_USER_SERIES. */
  userMetricPoints = 0;
  userMetricsLeftOut = new Set<string>();
  /** The anomalies the run itself reported (its own thresholds). */
  runAnomalies: Anomaly[] = [];
  /** "What if" (webview/whatIf.ts): the anomalies the record gives with other thresholds; the markers show these. */
  whatIf: WhatIfView | undefined;
  /** Where the run went back in time, skipped batches or changed its rate (docs/time-travel.md): loss-chart markers. */
  travels: TimeTravelEvent[] = [];
  hist = new Map<string, HistSeries>();
  status: RunStatus = freshStatus();
  logs: EngineMessageOf<'log'>[] = [];
  private scratch: (LayerStats | undefined)[] = [];

  constructor() {
    this.clear();
  }

  clear(): void {
    this.run = undefined;
    this.engine = undefined;
    this.graph = undefined;
    this.kernels = {};
    this.rows = [];
    this.rowIndex.clear();
    this.containers.clear();
    this.statSteps.clear();
    this.metricCols.clear();
    this.extents.clear();
    for (const m of METRICS) {
      this.metricCols.set(m.id, []);
      this.extents.set(m.id, emptyExtent());
    }
    this.stepNo.clear();
    this.loss.clear();
    this.lr.clear();
    this.samplesPerSec.clear();
    this.progress = new RunProgress();
    this.epochs = [];
    this.userMetrics = new Map();
    this.userMetricPoints = 0;
    this.userMetricsLeftOut = new Set();
    this.runAnomalies = [];
    this.whatIf = undefined;
    this.travels = [];
    this.hist.clear();
    this.status = freshStatus();
    this.logs = [];
  }

  /** The anomalies every chart and the warnings list show: a "what if" re-scoring while one is set, else the run's. */
  get anomalies(): Anomaly[] {
    return this.whatIf?.anomalies ?? this.runAnomalies;
  }

  /** The loss of the latest step message numbered below `step` (undefined when there is none). */
  private lossBefore(step: number): number | undefined {
    const steps = this.stepNo.view();
    const loss = this.loss.view();
    for (let i = this.stepNo.length - 1; i >= 0; i--) if (steps[i] === step - 1) return loss[i];
    return undefined;
  }

    rowOf(layerId: string): number | undefined {
    return this.rowIndex.get(layerId);
  }

  metric(id: MetricId): readonly Column<Float32Array>[] {
    return this.metricCols.get(id) ?? [];
  }

  extent(id: MetricId): Extent {
    return this.extents.get(id) ?? emptyExtent();
  }

  /** First and last step seen in any series (the shared x domain of the time charts). */
  stepRange(): [number, number] | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of [this.statSteps, this.stepNo]) {
      if (c.length > 0) {
        lo = Math.min(lo, c.get(0));
        hi = Math.max(hi, c.get(c.length - 1));
      }
    }
    return lo <= hi ? [lo, hi] : undefined;
  }

  ingest(messages: readonly EngineMessage[], changes: Changes = noChanges()): Changes {
    for (const m of messages) this.ingestOne(m, changes);
    return changes;
  }

  private ingestOne(m: EngineMessage, ch: Changes): void {
    if (m.type === 'runStarted' && this.run && this.run.runId !== m.runId) {
      // A new run in the same panel: start over rather than splice two runs into one chart.
      this.clear();
      ch.reset = true;
    }
    this.progress.apply(m);
    switch (m.type) {
      case 'hello':
        this.engine = m;
        ch.meta = true;
        return;
      case 'runStarted':
        this.run = m;
        this.status = { ...freshStatus(), state: 'running' };
        ch.meta = ch.status = true;
        return;
      case 'graph':
        this.setGraph(m.graph);
        ch.rows = ch.meta = true;
        return;
      case 'kernels':
        this.kernels = { ...this.kernels, ...m.backends };
        ch.status = true;
        return;
      case 'step':
        this.stepNo.push(m.step);
        this.loss.push(m.loss);
        this.lr.push(m.lr);
        this.samplesPerSec.push(m.samplesPerSec);
        Object.assign(this.status, {
          step: m.step,
          epoch: m.epoch,
          batch: m.batch,
          batchesPerEpoch: m.batchesPerEpoch,
          loss: m.loss,
          samplesPerSec: this.progress.samplesPerSec(),
        });
        if (this.status.state === 'waiting') this.status.state = 'running';
        ch.steps = ch.status = true;
        return;
      case 'layerStats':
        if (this.addStats(m.step, m.layers)) ch.rows = true;
        ch.stats = true;
        return;
      case 'histograms':
        for (const h of m.layers) {
          let s = this.hist.get(h.id);
          if (!s) this.hist.set(h.id, (s = { steps: [], activation: [], gradient: [] }));
          s.steps.push(m.step);
          s.activation.push(h.activation);
          s.gradient.push(h.gradient);
          ch.hist.add(h.id);
        }
        return;
      case 'anomaly':
        this.runAnomalies.push(m.anomaly);
        ch.anomalies = true;
        return;
      case 'timeTravel':
        // Drawn with the anomaly markers, so it redraws what they redraw.
        this.travels.push(m.event);
        ch.anomalies = true;
        if (m.event.toStep <= this.status.step) {
          // The status line follows the run back: its step, and the loss of the last step taken before it.
          this.status.step = m.event.toStep;
          this.status.loss = this.lossBefore(m.event.toStep) ?? NaN;
          ch.status = true;
        }
        return;
      case 'epoch':
        this.epochs.push({
          epoch: m.epoch,
          step: m.step,
          trainLoss: m.train.loss,
          trainAccuracy: m.train.accuracy,
          valLoss: m.val?.loss,
          valAccuracy: m.val?.accuracy,
          durationMs: m.durationMs,
        });
        ch.epochs = true;
        return;
      case 'metrics':
        if (this.addUserMetrics(m)) ch.metrics = true;
        return;
      case 'paused':
        this.status.state = 'paused';
        this.status.message = m.description;
        ch.status = true;
        return;
      case 'resumed':
        this.status.state = 'running';
        this.status.message = undefined;
        ch.status = true;
        return;
      case 'error':
        this.status.state = 'error';
        this.status.message = m.error.message;
        ch.status = true;
        return;
      case 'finished':
        if (this.status.state !== 'error' || m.reason !== 'error') {
          this.status.state = m.reason === 'completed' ? 'finished' : m.reason === 'stopped' ? 'stopped' : 'error';
        }
        if (m.reason === 'error' && !this.status.message) this.status.message = 'the run ended with an error';
        this.status.step = this.progress.step ?? this.status.step;
        this.status.samplesPerSec = this.progress.samplesPerSec();
        ch.status = true;
        return;
      case 'log':
        this.logs.push(m);
        return;
      case 'response':
        return;
    }
  }

  /** Appends one gradlens.log call's values; returns whether any was kept. Values arrive untrusted (a record). */
  private addUserMetrics(m: EngineMessageOf<'metrics'>): boolean {
    if (typeof m.step !== 'number' || typeof m.values !== 'object' || m.values === null) return false;
    let kept = false;
    for (const [name, raw] of Object.entries(m.values as Record<string, unknown>)) {
      if (raw !== null && typeof raw !== 'number') continue;
      let series = this.userMetrics.get(name);
      if (!series) {
        if (this.userMetrics.size >= MAX_USER_SERIES) {
          this.userMetricsLeftOut.add(name);
          continue;
        }
        series = { name, steps: Column.f64(16), values: Column.f64(16) };
        this.userMetrics.set(name, series);
      }
      series.steps.push(m.step);
      series.values.push(raw === null ? NaN : raw);
      this.userMetricPoints++;
      kept = true;
    }
    return kept;
  }

  private setGraph(graph: ModelGraph): void {
    this.graph = graph;
    this.containers = new Set(graph.layers.map((l) => l.parent).filter((p): p is string => p !== undefined));
    for (const l of graph.layers) {
      if (this.containers.has(l.id)) continue;
      const existing = this.rowIndex.get(l.id);
      if (existing !== undefined) this.rows[existing] = toRow(l);
      else this.addRow(toRow(l));
    }
  }

  private addRow(row: LayerRow): number {
    const index = this.rows.length;
    this.rows.push(row);
    this.rowIndex.set(row.id, index);
    const n = this.statSteps.length;
    for (const m of METRICS) {
      const col = Column.f32(Math.max(256, n));
      for (let i = 0; i < n; i++) col.push(NaN);
      this.metricCols.get(m.id)?.push(col);
    }
    return index;
  }

  /** Returns true when a layer unknown to the graph got a row of its own. */
  private addStats(step: number, layers: readonly LayerStats[]): boolean {
    let newRows = false;
    const scratch = this.scratch;
    scratch.length = this.rows.length;
    scratch.fill(undefined);
    for (const s of layers) {
      if (this.containers.has(s.id)) continue;
      let r = this.rowIndex.get(s.id);
      if (r === undefined) {
        r = this.addRow({ id: s.id, name: s.id, type: '', paramCount: s.gradNorm === undefined ? 0 : 1 });
        newRows = true;
      }
      scratch[r] = s;
    }
    this.statSteps.push(step);
    for (const m of METRICS) {
      const cols = this.metricCols.get(m.id) ?? [];
      const ext = this.extents.get(m.id) ?? emptyExtent();
      for (let r = 0; r < cols.length; r++) {
        const s = scratch[r];
        const v = s ? m.read(s) : undefined;
        if (v === undefined || !Number.isFinite(v)) {
          // Non-finite values are kept (the tooltip shows them); NaN also stands for "no value".
          cols[r].push(v === undefined ? NaN : v);
          continue;
        }
        cols[r].push(v);
        if (v < ext.min) ext.min = v;
        if (v > ext.max) ext.max = v;
        if (v > 0 && v < ext.minPositive) ext.minPositive = v;
      }
    }
    return newRows;
  }
}

function toRow(l: LayerInfo): LayerRow {
  return { id: l.id, name: l.name, type: l.type, source: l.source, paramCount: l.paramCount };
}

function freshStatus(): RunStatus {
  return { state: 'waiting', step: 0, epoch: 0, batch: 0, batchesPerEpoch: 0, loss: NaN, samplesPerSec: NaN };
}
