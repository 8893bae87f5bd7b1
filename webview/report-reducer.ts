// What of a recorded run goes into an HTML report, decided message by message while the record streams past, so
// any run length gives a report of bounded size (a 1M-step run's report was 240 MB and took 16 s to render; a
// record over 512 MB could not be read at all). Per-step series are downsampled the way the panel draws them:
// steps fall into buckets that double in width as the run grows, and each bucket keeps its lowest and highest
// loss, so no spike is averaged away. Layer statistics keep the bucket's lowest and highest total gradient norm
// (vanishing and exploding both show); histograms, and each of the user's own metrics (gradlens.log), keep the bucket's last. Everything else is kept up to a cap
// (logs, warnings), with a line saying how much was left out. Messages without the fields the report reads are
// skipped and counted (a malformed line once half-drew the report: "t.layers.map is not a function").
import type { EngineMessage, EngineMessageOf } from '../protocol/messages';

export interface ReportLimits {
  /** Step buckets: the report keeps at most twice this many buckets, two step messages each. */
  stepBuckets: number;
  layerStatsBuckets: number;
  histogramBuckets: number;
  logs: number;
  anomalies: number;
  errors: number;
  epochs: number;
  /** The user's own metrics (gradlens.log): names kept, and step buckets per name (the bucket's last value). */
  metricNames: number;
  metricBuckets: number;
}

export const REPORT_LIMITS: Readonly<ReportLimits> = Object.freeze({
  // 2000-4000 buckets: more points than a chart is wide on any screen, as the panel's own downsampling.
  stepBuckets: 2000,
  layerStatsBuckets: 500,
  histogramBuckets: 100,
  logs: 2000,
  anomalies: 5000,
  errors: 100,
  epochs: 10_000,
  // The panel draws at most 12 names; a report keeps a few more for its exports. Per name as many points as steps.
  metricNames: 50,
  metricBuckets: 2000,
});

interface Kept {
  seq: number;
  msg: EngineMessage;
}

interface Bucket {
  key: number;
  first: number;
  lo: Kept;
  loValue: number;
  hi: Kept;
  hiValue: number;
}

/** Buckets of consecutive steps, each keeping its lowest- and highest-valued message; widths double to stay bounded. */
class MinMaxBuckets {
  private buckets: Bucket[] = [];
  private width = 1;

  constructor(private readonly target: number) {}

  push(step: number, value: number, kept: Kept): void {
    const key = Math.floor(step / this.width);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.key === key) merge(last, { key, first: step, lo: kept, loValue: value, hi: kept, hiValue: value });
    else this.buckets.push({ key, first: step, lo: kept, loValue: value, hi: kept, hiValue: value });
    if (this.buckets.length > 2 * this.target) this.compact();
  }

  private compact(): void {
    this.width *= 2;
    const out: Bucket[] = [];
    for (const b of this.buckets) {
      b.key = Math.floor(b.first / this.width);
      const last = out[out.length - 1];
      if (last && last.key === b.key) merge(last, b);
      else out.push(b);
    }
    this.buckets = out;
  }

  *kept(): Iterable<Kept> {
    for (const b of this.buckets) {
      yield b.lo;
      if (b.hi !== b.lo) yield b.hi;
    }
  }
}

function merge(into: Bucket, b: Bucket): void {
  // NaN (null in JSON) losses are the most important points of all: they win both ends.
  if (b.loValue < into.loValue || Number.isNaN(b.loValue)) {
    into.lo = b.lo;
    into.loValue = b.loValue;
  }
  if (b.hiValue > into.hiValue || Number.isNaN(b.hiValue)) {
    into.hi = b.hi;
    into.hiValue = b.hiValue;
  }
}

/** Buckets keeping the last message of each (histograms: one snapshot per stretch of the run is enough). */
class LastBuckets {
  private buckets: { key: number; first: number; kept: Kept }[] = [];
  private width = 1;

  constructor(private readonly target: number) {}

  push(step: number, kept: Kept): void {
    const key = Math.floor(step / this.width);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.key === key) last.kept = kept;
    else this.buckets.push({ key, first: step, kept });
    if (this.buckets.length <= 2 * this.target) return;
    this.width *= 2;
    const out: typeof this.buckets = [];
    for (const b of this.buckets) {
      b.key = Math.floor(b.first / this.width);
      const prev = out[out.length - 1];
      if (prev && prev.key === b.key) prev.kept = b.kept;
      else out.push(b);
    }
    this.buckets = out;
  }

  *kept(): Iterable<Kept> {
    for (const b of this.buckets) yield b.kept;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const layersOk = (v: unknown): boolean => Array.isArray(v) && v.every((l) => isObj(l) && typeof l.id === 'string');

/** Whether a message has the fields the report reads, with the types it reads them as. */
export function reportable(m: unknown): m is EngineMessage {
  if (!isObj(m) || typeof m.type !== 'string') return false;
  switch (m.type) {
    case 'hello':
      return true;
    case 'runStarted':
      return typeof m.modelFile === 'string' && isObj(m.config);
    case 'graph':
      return isObj(m.graph) && layersOk(m.graph.layers);
    case 'kernels':
      return isObj(m.backends);
    case 'step':
      return isNum(m.step) && (typeof m.loss === 'number' || m.loss === null);
    case 'layerStats':
    case 'histograms':
      return isNum(m.step) && layersOk(m.layers);
    case 'anomaly':
      return isObj(m.anomaly) && typeof m.anomaly.kind === 'string' && isNum(m.anomaly.step) && typeof m.anomaly.message === 'string';
    case 'epoch':
      return isNum(m.epoch) && isNum(m.step) && isObj(m.train);
    case 'metrics':
      return isNum(m.step) && isObj(m.values);
    case 'timeTravel':
      // Kept whole: a run has few (user moves, or --recover's rollbacks up to its cap).
      return isObj(m.event) && typeof m.event.kind === 'string' && isNum(m.event.toStep) && typeof m.event.message === 'string';
    case 'paused':
    case 'resumed':
      return isNum(m.step);
    case 'log':
      return typeof m.message === 'string';
    case 'error':
      return isObj(m.error) && typeof m.error.message === 'string';
    case 'finished':
      return isNum(m.step) && typeof m.reason === 'string';
    default:
      // Responses and anything unknown are not drawn.
      return false;
  }
}

export interface ReducedRun {
  messages: EngineMessage[];
  /** Messages read, kept, and skipped as malformed. */
  read: number;
  skipped: number;
  steps: number;
}

export class ReportReducer {
  private seq = 0;
  private readonly singles: Kept[] = [];
  private readonly steps: MinMaxBuckets;
  private readonly stats: MinMaxBuckets;
  private readonly hists: LastBuckets;
  /** Per metric name: its values one message each, so a name logged every step is thinned on its own. */
  private readonly metrics = new Map<string, LastBuckets>();
  private readonly metricNamesLeftOut = new Set<string>();
  private readonly counts = new Map<string, number>();
  private read = 0;
  private skipped = 0;
  private stepCount = 0;

  private readonly limits: ReportLimits;

  /** Limits left out are REPORT_LIMITS'. */
  constructor(limits: Partial<ReportLimits> = {}) {
    this.limits = { ...REPORT_LIMITS, ...limits };
    this.steps = new MinMaxBuckets(this.limits.stepBuckets);
    this.stats = new MinMaxBuckets(this.limits.layerStatsBuckets);
    this.hists = new LastBuckets(this.limits.histogramBuckets);
  }

  /** Takes one parsed record line (anything JSON.parse returned). */
  push(value: unknown): void {
    this.read++;
    if (!reportable(value)) {
      if (!(isObj(value) && value.type === 'response')) this.skipped++;
      return;
    }
    const kept: Kept = { seq: this.seq++, msg: value };
    switch (value.type) {
      case 'step':
        this.stepCount++;
        this.steps.push(value.step, value.loss ?? NaN, kept);
        return;
      case 'layerStats':
        this.stats.push(value.step, totalGradNorm(value), kept);
        return;
      case 'histograms':
        this.hists.push(value.step, kept);
        return;
      case 'log':
        return this.capped('logs', this.limits.logs, kept);
      case 'anomaly':
        return this.capped('anomalies', this.limits.anomalies, kept);
      case 'error':
        return this.capped('errors', this.limits.errors, kept);
      case 'epoch':
        return this.capped('epochs', this.limits.epochs, kept);
      case 'metrics':
        return this.pushMetrics(value, kept.seq);
      default:
        this.singles.push(kept);
    }
  }

  private capped(kind: 'logs' | 'anomalies' | 'errors' | 'epochs', cap: number, kept: Kept): void {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    if (n <= cap) this.singles.push(kept);
  }

  private pushMetrics(m: EngineMessageOf<'metrics'>, seq: number): void {
    for (const [name, value] of Object.entries(m.values)) {
      let buckets = this.metrics.get(name);
      if (!buckets) {
        if (this.metrics.size >= this.limits.metricNames) {
          this.metricNamesLeftOut.add(name);
          continue;
        }
        this.metrics.set(name, (buckets = new LastBuckets(this.limits.metricBuckets)));
      }
      const one: EngineMessage = { type: 'metrics', step: m.step, ...(m.epoch === undefined ? {} : { epoch: m.epoch }), values: { [name]: value } };
      buckets.push(m.step, { seq, msg: one });
    }
  }

  /** The kept messages in record order, and a closing note on what was left out. */
  result(): ReducedRun {
    const metrics = [...this.metrics.values()].flatMap((b) => [...b.kept()]);
    const all = [...this.singles, ...this.steps.kept(), ...this.stats.kept(), ...this.hists.kept(), ...metrics].sort((a, b) => a.seq - b.seq);
    const messages = all.map((k) => k.msg);
    const left: string[] = [];
    const caps: Record<string, number> = { logs: this.limits.logs, anomalies: this.limits.anomalies, errors: this.limits.errors, epochs: this.limits.epochs };
    for (const [kind, n] of this.counts) if (n > caps[kind]) left.push(`${(n - caps[kind]).toLocaleString('en-US')} ${kind} after the first ${caps[kind].toLocaleString('en-US')}`);
    if (this.metricNamesLeftOut.size > 0) left.push(`${this.metricNamesLeftOut.size.toLocaleString('en-US')} metric names after the first ${this.limits.metricNames}`);
    if (this.skipped > 0) left.push(`${this.skipped.toLocaleString('en-US')} malformed lines`);
    if (left.length > 0) {
      const note: EngineMessage = { type: 'log', level: 'warn', message: `This report leaves out ${left.join(', ')}; the run record has everything.` };
      const end = messages.findIndex((m) => m.type === 'finished');
      messages.splice(end < 0 ? messages.length : end, 0, note);
    }
    return { messages, read: this.read, skipped: this.skipped, steps: this.stepCount };
  }
}

function totalGradNorm(m: EngineMessageOf<'layerStats'>): number {
  let sum = 0;
  for (const l of m.layers) if (typeof l.gradNorm === 'number') sum += l.gradNorm;
  return sum;
}
