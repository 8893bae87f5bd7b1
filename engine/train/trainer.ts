// The training loop of one run (defineTraining's), synchronous from the first step to the last: it runs in the
// engine child's worker thread, which blocks inside it while paused. Everything it reports goes through host.emit
// as protocol messages. The debugger is a DebugController (debugger/controller.ts) that the loop calls at its
// hook points; commands come in through host.poll (at those points) and host.wait (while paused).
import type { Anomaly, EngineMessage, RunConfig, StartOptions } from '../../protocol/messages';
import { no_grad, takeNonFiniteReport } from '../autograd';
import type { TrainingDefinition } from '../definition';
import { kernelBackends } from '../kernels/registry';
import { Monitor } from '../monitor/monitor';
import type { StepSample } from '../monitor/detector';
import { assignModuleIds } from '../nn/module';
import { clip_grad_norm_ } from '../nn/utils';
import { Tensor } from '../tensor';
import { StopSignal, TrainingError } from './errors';
import { buildGraph, trackedModules } from './graph';
import { accuracyKind, callLoss, countCorrect } from './loss-eval';
import { LayerProbe, type AnyModule } from './probe';
import { prepareRun, type FileLocations, type RunSetup } from './setup';
import { StatsCadence } from './cadence';
import { Telemetry } from './telemetry';
import { DebugController, type DebugHost } from './debugger/controller';
import { layersByName, type DebugTarget } from './debugger/view';

/** The engine child's side of the protocol, as the trainer and its debugger use it. */
export type TrainerHost = DebugHost;

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

export const DEFAULT_HISTOGRAM_EVERY = 50;
/**
 * For optimizers that do not report their update norms: weight norms and update ratios every N steps, from a copy
 * of every weight before the optimizer step.
 */
export const UPDATE_RATIO_EVERY = 10;

export class Trainer {
  private readonly monitor: Monitor;
  private readonly debug: DebugController;
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
    this.model = input.definition.model as unknown as AnyModule;
    this.debug = new DebugController(host, this.debugTarget(), this.monitor, o);
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

  /** The loop as its debugger sees it (read when the debugger asks, so always the current step and batch). */
  private debugTarget(): DebugTarget {
    return {
      step: () => this.step,
      model: this.model,
      layers: () => (this.probe?.order.length ? this.probe.order : this.tracked),
      stepSource: this.input.where.definition,
      scope: () => ({
        model: this.model,
        layers: layersByName(this.tracked),
        step: this.step,
        epoch: this.epoch,
        loss: this.lastLoss,
        optimizer: this.setup?.optimizer,
        // The Variables view shows lr, so the Debug Console knows it too (the first group's, as PyTorch prints it).
        lr: this.setup?.optimizer.param_groups[0]?.lr,
        // A loader's batch is the pair [x, y] with x and y also named; the debugger shows it by name.
        batch: this.batch && { x: this.batch.x, y: this.batch.y },
      }),
      captured: (layer) => this.probe?.captures.get(layer),
      setLearningRate: (lr) => {
        for (const g of this.setup.optimizer.param_groups) g.lr = lr;
      },
    };
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
      enter: (m, args) => this.debug.layerForward(m, args),
      backward: (m, outGrad) => this.debug.layerBackward(m, outGrad),
      wantsBackward: () => this.debug.stopsInBackward,
      keepsTensors: () => this.debug.keepsLayerTensors,
    };
    const opt = this.setup.optimizer;
    const updateNorm = typeof opt.lastUpdateNorm === 'function' ? opt.lastUpdateNorm.bind(opt) : undefined;
    this.telemetry = new Telemetry(this.probe, this.tracked, updateNorm);
    const s = this.setup;
    const config: RunConfig = {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      optimizer: s.optimizer.constructor.name,
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
   * One forward pass on a batch of the first training samples, in eval mode and without gradients, before the
   * first step: it records the layer order and shapes for the graph, and a shape mismatch surfaces here with the
   * layer's line. Eval mode draws no random numbers (dropout is off), so the run's trajectory is unchanged. The
   * batch has the run's batch size, so the shapes the graph shows and a shape error quotes are the ones training
   * meets (a smaller look-ahead batch leaked its size into both).
   */
  private dryRun(): void {
    const split = this.setup.train;
    const k = Math.min(split.n, this.setup.batchSize);
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
        this.debug.batchStart();
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
      this.debug.epochEnd();
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
    if (def.clipGradNorm !== undefined) clip_grad_norm_(this.model.parameters(), def.clipGradNorm);
    this.debug.beforeOptimizerStep();
    const ts = performance.now();
    if (stats && this.telemetry.needsSnapshots && this.step % UPDATE_RATIO_EVERY === 0) this.telemetry.snapshot();
    else this.telemetry.clearSnapshot();
    this.timing.telemetryMs += performance.now() - ts;
    // Update norms (for the update-to-weight ratio) cost a pass over every parameter: only on statistics steps.
    if (typeof s.optimizer.trackUpdateNorms === 'boolean') s.optimizer.trackUpdateNorms = stats;
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
    const anomalies = this.observeStep(loss, stats, nonFinite);
    this.timing.telemetryMs += performance.now() - t0;
    this.debug.batchEnd(anomalies);
  }

  /** Statistics, histograms and detectors of the step just taken; returns the anomalies it found. */
  private observeStep(loss: number, stats: boolean, nonFinite: StepSample['nonFinite']): Anomaly[] {
    const th = this.monitor.current;
    const sample: StepSample = { step: this.step, epoch: this.epoch, loss, layers: this.telemetry.layerMetas(), nonFinite };
    sample.lr = this.setup.optimizer.param_groups[0]?.lr;
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
    for (const a of anomalies) this.emit({ type: 'anomaly', anomaly: a });
    return anomalies;
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
}
