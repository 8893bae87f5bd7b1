// The training loop of one run, synchronous from the first step to the last: it runs in the engine child's
// worker thread, which blocks inside it while paused. Everything it reports goes through host.emit as protocol
// messages; commands come in through host.poll (between layers and batches) and host.wait (while paused).
import type {
  Anomaly,
  AnomalyKind,
  EngineMessage,
  ErrorInfo,
  FrameInfo,
  HostCommand,
  LayerBreakpoint,
  PauseReason,
  RunConfig,
  SourceLocation,
  StartOptions,
} from '../../protocol/messages';
import { no_grad, takeNonFiniteReport } from '../autograd';
import type { TrainingDefinition } from '../definition';
import { kernelBackends } from '../kernels/registry';
import { MAIN_THRESHOLD, Monitor } from '../monitor/monitor';
import type { StepSample } from '../monitor/detector';
import { assignModuleIds } from '../nn/module';
import type { Parameter } from '../nn/parameter';
import { Tensor } from '../tensor';
import { StopSignal, TrainingError } from './errors';
import { buildGraph, layerId, trackedModules } from './graph';
import { evaluate, evaluateIn, hitConditionMet, interpolate, summarize } from './inspect';
import { accuracyKind, callLoss, countCorrect } from './loss-eval';
import { LayerProbe, type AnyModule } from './probe';
import { prepareRun, type FileLocations, type RunSetup } from './setup';
import { StatsCadence } from './cadence';
import { Telemetry } from './telemetry';
import { variables } from './variables';

export interface TrainerHost {
  emit(msg: EngineMessage): void;
  /** Commands that arrived since the last call (never blocks). */
  poll(): HostCommand[];
  /** Blocks until at least one command arrives. */
  wait(): HostCommand[];
}

export interface TrainerInput {
  definition: TrainingDefinition;
  modelFile: string;
  options: StartOptions;
  where: FileLocations;
  /** Layer statistics every N steps (default: adaptive, see cadence.ts). */
  statsEvery?: number;
  /** false turns all per-layer telemetry off (the overhead benchmark's baseline). */
  telemetry?: boolean;
}

type StepMode = { unit: 'batch' | 'layer'; remaining: number } | null;

export const DEFAULT_HISTOGRAM_EVERY = 50;
/**
 * For optimizers that do not report their update norms: weight norms and update ratios every N steps, from a copy
 * of every weight before the optimizer step.
 */
export const UPDATE_RATIO_EVERY = 10;

export class Trainer {
  private readonly monitor: Monitor;
  private readonly breakOn = new Map<AnomalyKind, number | undefined>();
  private layerBps: LayerBreakpoint[] = [];
  private readonly hits = new Map<number, number>();
  private pauseRequested = false;
  private entryPending = false;
  private stepMode: StepMode = null;
  private paused = false;
  private step = 0;
  private epoch = 0;
  private lastLoss = NaN;
  private batch: { x: Tensor; y: Tensor } | null = null;
  private setup!: RunSetup;
  private probe!: LayerProbe;
  private telemetry!: Telemetry;
  private tracked: AnyModule[] = [];
  private readonly model: AnyModule;
  private readonly histogramEvery: number;
  private readonly cadence: StatsCadence;
  private nextHistogramStep = 0;
  private readonly telemetryOn: boolean;
  /** Time spent on telemetry (statistics, histograms, detectors, their messages) and on the steps themselves. */
  readonly timing = { telemetryMs: 0, stepMs: 0 };

  constructor(
    private readonly host: TrainerHost,
    private readonly input: TrainerInput,
  ) {
    const o = input.options;
    this.monitor = new Monitor(o.thresholds);
    this.setAnomalyBreaks(o.breakOn ?? []);
    this.layerBps = o.layerBreakpoints ?? [];
    this.model = input.definition.model as unknown as AnyModule;
    this.histogramEvery = Math.max(1, o.histogramEvery ?? DEFAULT_HISTOGRAM_EVERY);
    this.cadence = new StatsCadence(input.statsEvery);
    this.telemetryOn = input.telemetry !== false;
  }

  /** Runs the whole training. Returns how it ended; throws TrainingError (or the user's error) on failure. */
  run(): 'completed' | 'stopped' {
    const t0 = performance.now();
    try {
      this.prepare();
      this.loop();
      this.emit({ type: 'finished', reason: 'completed', step: this.step, durationMs: performance.now() - t0 });
      return 'completed';
    } catch (err) {
      if (err instanceof StopSignal) {
        this.emit({ type: 'finished', reason: 'stopped', step: this.step, durationMs: performance.now() - t0 });
        return 'stopped';
      }
      throw err;
    } finally {
      this.probe?.uninstall();
    }
  }

  get currentStep(): number {
    return this.step;
  }

  private emit(msg: EngineMessage): void {
    this.host.emit(msg);
  }

  // ---- setup --------------------------------------------------------------------------------
  private prepare(): void {
    const { definition: def, options, modelFile, where } = this.input;
    const baseDir = modelFile.replace(/[\\/][^\\/]*$/, '');
    this.setup = prepareRun(def, options, baseDir, where);
    assignModuleIds(this.model);
    this.tracked = trackedModules(this.model);
    this.probe = new LayerProbe(new Set(this.tracked));
    this.probe.install();
    this.probe.hooks = {
      enter: (m, args) => this.enterLayer(m, args),
      backward: (m, g) => this.backwardLayer(m, g),
    };
    const opt = this.setup.optimizer as Partial<{ lastUpdateNorm(p: Parameter): number | undefined }>;
    const updateNorm = typeof opt.lastUpdateNorm === 'function' ? opt.lastUpdateNorm.bind(opt) : undefined;
    this.telemetry = new Telemetry(this.probe, this.tracked, updateNorm);
    const s = this.setup;
    const config: RunConfig = {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      optimizer: (s.optimizer as unknown as { constructor: { name: string } }).constructor.name,
      lr: s.optimizer.param_groups[0]?.lr ?? 0,
      backend: options.backend ?? 'auto',
      trainSize: s.train.n,
      valSize: s.val?.n ?? 0,
      histogramEvery: this.histogramEvery,
    };
    this.emit({
      type: 'runStarted',
      runId: `${Date.now().toString(36)}-${process.pid}`,
      modelFile,
      startedAt: new Date().toISOString(),
      config,
    });
    this.dryRun();
    this.emit({ type: 'graph', graph: buildGraph(this.model, { input: this.probe.inputShapes, output: this.probe.outputShapes }) });
    this.emit({ type: 'kernels', backends: kernelBackends() });
  }

  /**
   * One forward pass on a few training samples, in eval mode and without gradients, before the first step:
   * it records the layer order and shapes for the graph, and a shape mismatch surfaces here with the layer's
   * line. Eval mode draws no random numbers (dropout is off), so the run's trajectory is unchanged.
   */
  private dryRun(): void {
    const split = this.setup.train;
    const k = Math.min(split.n, Math.max(2, Math.min(8, this.setup.batchSize)));
    if (k === 0) throw new TrainingError({ id: 'emptyData', message: 'The training data is empty.', showUser: true, location: this.input.where.data });
    const xShape = this.setup.trainLoader.xShape;
    const per = split.x.length / split.n;
    const x = new Tensor(split.x.slice(0, k * per), [k, ...xShape]);
    this.model.eval();
    this.probe.active = true;
    const hooks = this.probe.hooks;
    // Breakpoints and stepping belong to training steps, not to this look-ahead.
    this.probe.hooks = {};
    try {
      no_grad(() => this.model(x));
    } finally {
      this.probe.active = false;
      this.probe.hooks = hooks;
      this.model.train();
    }
    takeNonFiniteReport();
  }

  // ---- the loop -----------------------------------------------------------------------------
  private loop(): void {
    const s = this.setup;
    const def = this.input.definition;
    const maxSteps = this.input.options.maxSteps ?? Infinity;
    const acc = accuracyKind(s.dataset.task, def.loss, def.accuracy);
    this.entryPending = this.input.options.stopOnEntry === true;
    for (this.epoch = 0; this.epoch < s.epochs && this.step < maxSteps; this.epoch++) {
      const e0 = performance.now();
      this.model.train();
      let lossSum = 0;
      let seen = 0;
      let correct = 0;
      const batches = s.trainLoader.len;
      let b = 0;
      for (const batch of s.trainLoader) {
        if (this.step >= maxSteps) break;
        this.batch = batch;
        this.atBatchBoundary();
        const stats = this.telemetryOn && this.cadence.due(this.step);
        const telemetryBefore = this.timing.telemetryMs;
        const loss = this.trainStep(batch.x, batch.y, stats, (out) => (correct += countCorrect(acc, out, batch.y)));
        const n = batch.x.shape[0];
        lossSum += loss.value * n;
        seen += n;
        this.emit({
          type: 'step',
          step: this.step,
          epoch: this.epoch,
          batch: b,
          batchesPerEpoch: batches,
          loss: loss.value,
          lr: s.optimizer.param_groups[0]?.lr ?? 0,
          samplesPerSec: loss.ms > 0 ? (n * 1000) / loss.ms : 0,
          stepMs: loss.ms,
        });
        this.afterStep(loss.value, stats, loss.nonFinite);
        const statsMs = this.timing.telemetryMs - telemetryBefore;
        this.cadence.record(this.step, loss.ms, statsMs, stats);
        this.step++;
        b++;
      }
      if (s.scheduler && def.schedulerStep === 'epoch') s.scheduler.step();
      const val = this.validate(acc);
      this.emit({
        type: 'epoch',
        epoch: this.epoch,
        step: this.step,
        train: acc && seen ? { loss: lossSum / Math.max(1, seen), accuracy: correct / seen } : { loss: lossSum / Math.max(1, seen) },
        ...(val ? { val } : {}),
        durationMs: performance.now() - e0,
      });
      this.poll();
    }
  }

  private trainStep(
    x: Tensor,
    y: Tensor,
    stats: boolean,
    score: (out: unknown) => void,
  ): { value: number; ms: number; nonFinite: StepSample['nonFinite'] } {
    const s = this.setup;
    const def = this.input.definition;
    const t0 = performance.now();
    this.probe.beginStep(stats);
    this.probe.hookBackward = this.stepMode?.unit === 'layer';
    s.optimizer.zero_grad();
    this.probe.active = true;
    let value: number;
    try {
      const out = this.model(x);
      const lossT = callLoss(def.loss, out, y, x);
      value = lossT.data[0];
      score(out);
      lossT.backward();
    } finally {
      this.probe.active = false;
    }
    const report = takeNonFiniteReport();
    if (def.clipGradNorm !== undefined) clipGradNorm(this.model, def.clipGradNorm);
    const ts = performance.now();
    if (stats && this.telemetry.needsSnapshots && this.step % UPDATE_RATIO_EVERY === 0) this.telemetry.snapshot();
    else this.telemetry.clearSnapshot();
    this.timing.telemetryMs += performance.now() - ts;
    // Update norms (for the update-to-weight ratio) cost a pass over every parameter: only on statistics steps.
    const tracking = s.optimizer as Partial<{ trackUpdateNorms: boolean }>;
    if (typeof tracking.trackUpdateNorms === 'boolean') tracking.trackUpdateNorms = stats;
    s.optimizer.step();
    if (s.scheduler && def.schedulerStep !== 'epoch') s.scheduler.step();
    def.onStep?.({ step: this.step, epoch: this.epoch, loss: value, optimizer: s.optimizer });
    this.lastLoss = value;
    this.timing.stepMs += performance.now() - t0;
    const nonFinite = report
      ? {
          op: report.op,
          phase: report.phase,
          layerId: report.layer ? report.layer.id || this.model.typeName : undefined,
          layerName: report.layer?.name,
          source: report.layer?.source,
          nanCount: report.nanCount,
          infCount: report.infCount,
        }
      : undefined;
    return { value, ms: performance.now() - t0, nonFinite };
  }

  private afterStep(loss: number, stats: boolean, nonFinite: StepSample['nonFinite']): void {
    const t0 = performance.now();
    const breakOn = this.observeStep(loss, stats, nonFinite);
    this.timing.telemetryMs += performance.now() - t0;
    if (breakOn) this.pauseNow('anomaly', breakOn.message, undefined, breakOn);
  }

  /** Statistics, histograms and detectors of the step just taken; returns the anomaly to break on, if any. */
  private observeStep(loss: number, stats: boolean, nonFinite: StepSample['nonFinite']): Anomaly | undefined {
    const th = this.monitor.current;
    const sample: StepSample = { step: this.step, epoch: this.epoch, loss, layers: this.telemetry.layerMetas(), nonFinite };
    if (stats) {
      const layerStats = this.telemetry.layerStats(th);
      sample.stats = layerStats;
      sample.unitActivity = this.telemetry.unitActivity();
      this.emit({ type: 'layerStats', step: this.step, layers: layerStats });
      if (this.step >= this.nextHistogramStep) {
        this.emit({ type: 'histograms', step: this.step, layers: this.telemetry.histograms() });
        this.nextHistogramStep = this.step + this.histogramEvery;
      }
    }
    const anomalies = this.monitor.observe(sample);
    let breakOn: Anomaly | undefined;
    for (const a of anomalies) {
      this.emit({ type: 'anomaly', anomaly: a });
      if (!breakOn && this.breakOn.has(a.kind)) breakOn = a;
    }
    return breakOn;
  }

  private validate(acc: ReturnType<typeof accuracyKind>): { loss: number; accuracy?: number } | undefined {
    const loader = this.setup.valLoader;
    if (!loader) return undefined;
    const def = this.input.definition;
    this.model.eval();
    let lossSum = 0;
    let n = 0;
    let correct = 0;
    try {
      no_grad(() => {
        for (const { x, y } of loader) {
          const out = this.model(x);
          const l = callLoss(def.loss, out, y, x).data[0];
          const k = x.shape[0];
          lossSum += l * k;
          n += k;
          correct += countCorrect(acc, out, y);
        }
      });
    } finally {
      this.model.train();
    }
    takeNonFiniteReport();
    const loss = lossSum / Math.max(1, n);
    return acc ? { loss, accuracy: correct / Math.max(1, n) } : { loss };
  }

  // ---- debugging ------------------------------------------------------------------------------
  private atBatchBoundary(): void {
    this.poll();
    if (this.entryPending) {
      // The debugger's stopOnEntry: a pause at the first boundary (a step command given here counts from it).
      this.entryPending = false;
      this.pauseNow('entry', 'Paused before the first step');
      return;
    }
    if (this.stepMode?.unit === 'batch') {
      this.stepMode.remaining--;
      if (this.stepMode.remaining <= 0) {
        this.stepMode = null;
        this.pauseNow('step', `Paused before step ${this.step}`);
        return;
      }
    }
    if (this.pauseRequested) this.pauseNow('pause', `Paused before step ${this.step}`);
  }

  /** Called by the probe before each tracked layer's forward. */
  private enterLayer(m: AnyModule, args: readonly unknown[]): void {
    this.poll();
    if (this.stepMode?.unit === 'layer' && --this.stepMode.remaining <= 0) {
      this.stepMode = null;
      this.pauseNow('step', `${m.displayName()} forward (step ${this.step})`, m, undefined, { x: args[0] });
      return;
    }
    if (this.layerBps.length === 0 || !m.source) return;
    for (const bp of this.layerBps) {
      if (bp.line !== m.source.line || !sameFile(bp.file, m.source.file)) continue;
      const scope = this.scope({ x: args[0], layer: m });
      if (bp.condition) {
        let ok = false;
        try {
          ok = Boolean(evaluateIn(bp.condition, scope));
        } catch (err) {
          this.emit({ type: 'log', level: 'error', message: `Breakpoint condition "${bp.condition}" failed: ${(err as Error).message}`, source: m.source });
        }
        if (!ok) continue;
      }
      const count = (this.hits.get(bp.id) ?? 0) + 1;
      this.hits.set(bp.id, count);
      if (!hitConditionMet(bp.hitCondition, count)) continue;
      if (bp.logMessage) {
        this.emit({ type: 'log', level: 'info', message: interpolate(bp.logMessage, scope), source: m.source });
        continue;
      }
      this.pauseNow('breakpoint', `Breakpoint ${bp.id} in ${m.displayName()} (step ${this.step})`, m, undefined, { x: args[0] });
      return;
    }
  }

  /** Called by the probe when the backward pass reaches a tracked layer's output (stepping by layer). */
  private backwardLayer(m: AnyModule, grad: Float32Array): void {
    if (this.stepMode?.unit === 'layer' && --this.stepMode.remaining <= 0) {
      this.stepMode = null;
      this.pauseNow('step', `${m.displayName()} backward (step ${this.step})`, m, undefined, { grad });
    }
  }

  private frames(layer?: AnyModule): FrameInfo[] {
    const def: SourceLocation = this.input.where.definition;
    const out: FrameInfo[] = [];
    if (layer) out.push({ id: 0, name: `${layer.displayName()} (${layerId(layer)})`, layerId: layerId(layer), source: layer.source });
    out.push({ id: out.length, name: `train step ${this.step}`, source: def });
    const order = this.probe.order.length ? this.probe.order : this.tracked;
    for (const m of order) {
      if (m === layer) continue;
      out.push({ id: out.length, name: `${m.displayName()} (${layerId(m)})`, layerId: layerId(m), source: m.source });
    }
    return out;
  }

  private layerScope: Record<string, unknown> = {};

  private pauseNow(reason: PauseReason, description: string, layer?: AnyModule, anomaly?: Anomaly, extra?: Record<string, unknown>): void {
    this.pauseRequested = false;
    this.paused = true;
    this.layerScope = layer ? { layer, ...extra } : {};
    this.emit({ type: 'paused', step: this.step, reason, description, frames: this.frames(layer), ...(anomaly ? { anomaly } : {}) });
    while (this.paused) for (const cmd of this.host.wait()) this.handle(cmd);
    this.layerScope = {};
    this.emit({ type: 'resumed', step: this.step });
  }

  private poll(): void {
    for (const cmd of this.host.poll()) this.handle(cmd);
  }

  private respond(seq: number, body?: unknown): void {
    this.emit({ type: 'response', request_seq: seq, success: true, ...(body !== undefined ? { body } : {}) });
  }

  private fail(seq: number, error: ErrorInfo): void {
    this.emit({ type: 'response', request_seq: seq, success: false, error });
  }

  /** One host command, while running (between layers/batches) or while paused. */
  handle(cmd: HostCommand): void {
    try {
      switch (cmd.type) {
        case 'pause':
          if (!this.paused) this.pauseRequested = true;
          return this.respond(cmd.seq);
        case 'resume':
          this.stepMode = null;
          this.paused = false;
          return this.respond(cmd.seq);
        case 'step':
          this.stepMode = { unit: cmd.unit, remaining: Math.max(1, cmd.count) };
          if (cmd.unit === 'layer') this.probe.hookBackward = true;
          this.paused = false;
          return this.respond(cmd.seq);
        case 'stop':
          this.respond(cmd.seq);
          this.paused = false;
          throw new StopSignal();
        case 'setBreakpoints':
          if (cmd.anomalies) this.setAnomalyBreaks(cmd.anomalies);
          if (cmd.layers) this.layerBps = cmd.layers;
          return this.respond(cmd.seq);
        case 'setThresholds':
          this.monitor.setThresholds(cmd.thresholds);
          return this.respond(cmd.seq, this.monitor.current);
        case 'setLearningRate':
          if (!(cmd.lr > 0) || !Number.isFinite(cmd.lr)) return this.fail(cmd.seq, { id: 'badValue', message: `Learning rate must be a positive number (got ${cmd.lr})`, showUser: true });
          for (const g of this.setup.optimizer.param_groups) g.lr = cmd.lr;
          return this.respond(cmd.seq, { lr: cmd.lr });
        case 'inspect':
          return this.respond(cmd.seq, this.inspect(cmd.layerId, cmd.what, cmd.full === true));
        case 'evaluate':
          return this.respond(cmd.seq, evaluate(cmd.expression, this.scope(this.layerScope)));
        case 'variables':
          return this.respond(cmd.seq, variables(this.scope(this.layerScope), cmd.ref));
        case 'start':
          return this.fail(cmd.seq, { id: 'alreadyStarted', message: 'This engine process is already running a model', showUser: false });
      }
    } catch (err) {
      if (err instanceof StopSignal) throw err;
      this.fail(cmd.seq, { id: 'requestFailed', message: (err as Error).message ?? String(err), showUser: false });
    }
  }

  private setAnomalyBreaks(list: { kind: AnomalyKind; threshold?: number }[]): void {
    this.breakOn.clear();
    for (const b of list) {
      this.breakOn.set(b.kind, b.threshold);
      const key = MAIN_THRESHOLD[b.kind];
      if (key && b.threshold !== undefined) this.monitor.setThresholds({ [key]: b.threshold });
    }
  }

  private scope(extra: Record<string, unknown>): Record<string, unknown> {
    const layers: Record<string, AnyModule> = {};
    for (const m of this.tracked) {
      layers[layerId(m)] = m;
      layers[m.displayName()] ??= m;
    }
    return {
      model: this.model,
      layers,
      step: this.step,
      epoch: this.epoch,
      loss: this.lastLoss,
      optimizer: this.setup?.optimizer,
      batch: this.batch,
      ...extra,
    };
  }

  private inspect(id: string, what: 'weight' | 'grad' | 'activation' | 'outGrad', full: boolean): unknown {
    const m = this.tracked.find((t) => layerId(t) === id) ?? this.model.named_modules().find(([n]) => n === id)?.[1];
    if (!m) throw new Error(`No layer "${id}"`);
    if (what === 'weight' || what === 'grad') {
      const params = m.named_own_parameters();
      const [name, p] = params.find(([n]) => n === 'weight') ?? params[0] ?? [];
      if (!p || !name) throw new Error(`${m.displayName()} has no parameters`);
      if (what === 'weight') return summarize(`${id}.${name}`, p.data, p.shape, full);
      if (!p._grad) throw new Error(`${id}.${name} has no gradient yet`);
      return summarize(`${id}.${name}.grad`, p._grad.data, p.shape, full);
    }
    const c = this.probe.captures.get(m);
    const data = what === 'activation' ? c?.act : c?.outGrad;
    if (!data) throw new Error(`No ${what} of ${id} was recorded on this step`);
    return summarize(`${id}.${what}`, data, what === 'activation' && c?.actShape ? c.actShape : [data.length], full);
  }
}

function sameFile(a: string, b: string): boolean {
  return a === b || a.replace(/\\/g, '/').toLowerCase() === b.replace(/\\/g, '/').toLowerCase();
}

/** nn.utils.clip_grad_norm_ over the model's parameters (total L2 norm). */
function clipGradNorm(model: AnyModule, maxNorm: number): void {
  let sq = 0;
  const grads: Float32Array[] = [];
  for (const p of model.parameters()) {
    if (!p._grad) continue;
    grads.push(p._grad.data);
    for (const v of p._grad.data) sq += v * v;
  }
  const norm = Math.sqrt(sq);
  if (!(norm > maxNorm)) return;
  const scale = maxNorm / (norm + 1e-6);
  for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
}
