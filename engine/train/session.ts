// One run, as the engine child instruments it. Gradlens does not own the training loop: the model file runs top to
// bottom (the user's own `for` over a DataLoader, or defineTraining's small loop in trainer.ts), and this session
// watches it through the engine's hooks (engine/hooks.ts, the module-call observer):
// - a call of a model (a top-level module with parameters some optimizer updates, called with gradients on) opens
//   a training step: the debugger's batch start, then a layer frame for each of its layers;
// - loss.backward() is where the step's loss is read (every loss passed to it is logged without asking);
// - optimizer.step() is the stop point before the weights change, and its return ends the step: the `step`
//   message, the layer statistics on their cadence, the detectors, an anomaly stop;
// - a DataLoader running out of batches after it fed training steps ends an epoch.
// Everything it reports goes through host.emit as protocol messages; the debugger is a DebugController driven from
// these points, and what is measured of a step is step-observer.ts's. Models with several optimizers (a GAN): the
// first optimizer whose step() is called counts the steps, the others' steps are part of the step; every model whose
// parameters an optimizer updates is shown. Over 350 lines on purpose: one state machine (a step opens, is stopped
// in, closes; an epoch ends) whose fields every hook reads and time travel restores.
import type { EngineMessage, RunConfig, SourceLocation, StartOptions } from '../../protocol/messages';
import { is_grad_enabled, takeNonFiniteReport } from '../autograd';
import { layerDepth } from '../context';
import { setTrainingHooks, type HookOptimizer, type HookTensor, type TrainingHooks } from '../hooks';
import { kernelBackends } from '../kernels/registry';
import { setLogSink } from '../log';
import { Monitor } from '../monitor/monitor';
import { captureCallSite } from '../nn/callsite';
import type { OptimizerLike } from '../definition';
import { Tensor } from '../tensor';
import { StatsCadence } from './cadence';
import { StepLimitReached, StopSignal } from './errors';
import { buildRunGraph, trackedModules } from './graph';
import { LayerProbe, type AnyModule } from './probe';
import type { Telemetry } from './telemetry';
import { nonFiniteSample, StepObserver } from './step-observer';
import { DebugController, type DebugHost } from './debugger/controller';
import { layersByName, type DebugTarget } from './debugger/view';
import { LentState } from './timetravel/lent';
import type { FileLocations } from './setup';

export const DEFAULT_HISTOGRAM_EVERY = 50;
/**
 * For optimizers that do not report their update norms: weight norms and update ratios every N steps, from a copy
 * of every weight before the optimizer step.
 */
export const UPDATE_RATIO_EVERY = 10;

export interface SessionInput {
  modelFile: string;
  options: StartOptions;
  where: FileLocations;
  /** Layer statistics every N steps (default: adaptive, see cadence.ts). */
  statsEvery?: number;
  /** false turns all per-layer telemetry off (the overhead benchmark's baseline). */
  telemetry?: boolean;
}

/** What a defineTraining run knows before its first step (a script's run learns it from its first batch). */
export type KnownConfig = Pick<RunConfig, 'epochs' | 'batchSize' | 'seed' | 'trainSize' | 'valSize'>;

/** What a loader's batch is to the session: the pair, and where it came from. */
interface BatchInHand {
  pair: readonly [HookTensor, HookTensor];
  loader: object;
  index: number;
}

type TrackedOptimizer = HookOptimizer & Partial<Pick<OptimizerLike, 'lastUpdateNorm' | 'trackUpdateNorms'>>;

export class RunSession {
  private readonly monitor: Monitor;
  readonly debug: DebugController;
  private readonly trackedSet = new Set<AnyModule>();
  private readonly probe = new LayerProbe(this.trackedSet);
  private readonly roots: AnyModule[] = [];
  private tracked: AnyModule[] = [];
  private readonly optimizers: TrackedOptimizer[] = [];
  private readonly optimized = new WeakSet<object>();
  private primary: TrackedOptimizer | null = null;
  private readonly cadence: StatsCadence;
  private readonly histogramEvery: number;
  private readonly observer: StepObserver;
  private readonly telemetryOn: boolean;
  private readonly maxSteps: number;
  private step = 0;
  private epoch = 0;
  private started = false;
  private graphRoots = 0;
  private stepOpen = false;
  private stepT0 = 0;
  private stepStats = false;
  private stepLoss = NaN;
  private stepSamples = 0;
  private lastLoss = NaN;
  /** The epoch of the last step taken (an epoch's validation metrics are logged after the loader ran out). */
  private lastStepEpoch = 0;
  private batch: BatchInHand | null = null;
  /** The step count when each loader's current epoch began: a loader that fed steps since then is a training one. */
  private readonly loaderStart = new WeakMap<object, number>();
  private epochLossSum = 0;
  private epochSeen = 0;
  private epochT0 = performance.now();
  private known: KnownConfig | null = null;
  private stepSource: SourceLocation;
  private stepSourceFound = false;
  /** Schedulers and training loaders seen, for time travel's snapshots. */
  private readonly lent = new LentState();
  /** Whether a loader running out ends an epoch (a script's run); defineTraining's loop ends its epochs itself. */
  autoEpochs = true;
  /** Time spent on telemetry (statistics, histograms, detectors, their messages) and on the steps themselves. */
  readonly timing = { telemetryMs: 0, stepMs: 0 };

  constructor(
    private readonly host: DebugHost,
    private readonly input: SessionInput,
  ) {
    const o = input.options;
    this.monitor = new Monitor(o.thresholds);
    this.debug = new DebugController(host, this.debugTarget(), this.monitor, o);
    this.histogramEvery = Math.max(1, o.histogramEvery ?? DEFAULT_HISTOGRAM_EVERY);
    this.observer = new StepObserver(this.monitor, this.probe, (msg) => this.emit(msg), this.histogramEvery);
    this.cadence = new StatsCadence(input.statsEvery);
    this.telemetryOn = input.telemetry !== false;
    this.maxSteps = o.maxSteps ?? Infinity;
    this.stepSource = input.where.definition;
  }

  get currentStep(): number {
    return this.step;
  }

  /** Whether the run took as many steps as it may (--max-steps). */
  get atStepLimit(): boolean {
    return this.step >= this.maxSteps;
  }

  /** Whether training began (a model was called for a step, or a step was taken). */
  get trainingStarted(): boolean {
    return this.started;
  }

  /**
   * Runs `body` (the model file, and defineTraining's loop if it exports one) instrumented, and ends the run:
   * `finished` for a completed or stopped run; any other error is rethrown for the caller to report.
   */
  run(body: () => void): 'completed' | 'stopped' {
    const t0 = performance.now();
    this.install();
    try {
      body();
      this.finish('completed', t0);
      return 'completed';
    } catch (err) {
      if (err instanceof StepLimitReached) {
        this.finish('completed', t0);
        return 'completed';
      }
      if (err instanceof StopSignal) {
        this.finish('stopped', t0);
        return 'stopped';
      }
      throw err;
    } finally {
      this.uninstall();
    }
  }

  /** defineTraining's loop tells what it knows before its first step (epochs, sizes, seed). */
  describe(known: KnownConfig, stepSource: SourceLocation): void {
    this.known = known;
    this.stepSource = stepSource;
    this.stepSourceFound = true;
  }

  /** Ends an epoch: its mean training loss (and accuracy, validation figures when the loop has them). */
  endEpoch(extra: { trainAccuracy?: number; val?: { loss: number; accuracy?: number } } = {}): void {
    const loss = this.epochLossSum / Math.max(1, this.epochSeen);
    this.emit({
      type: 'epoch',
      epoch: this.epoch,
      step: this.step,
      train: extra.trainAccuracy !== undefined ? { loss, accuracy: extra.trainAccuracy } : { loss },
      ...(extra.val ? { val: extra.val } : {}),
      durationMs: performance.now() - this.epochT0,
    });
    this.epoch++;
    this.epochLossSum = 0;
    this.epochSeen = 0;
    this.epochT0 = performance.now();
    this.debug.epochEnd();
  }

  // ---- installing the hooks -----------------------------------------------------------------
  private install(): void {
    this.probe.install();
    this.probe.hooks = {
      call: (m, args) => this.moduleCall(m, args),
      enter: (m, args) => this.debug.layerForward(m, args),
      backward: (m, outGrad) => this.debug.layerBackward(m, outGrad),
      wantsBackward: () => this.debug.stopsInBackward,
      keepsTensors: () => this.debug.keepsLayerTensors,
    };
    const hooks: TrainingHooks = {
      optimizerCreated: (opt) => this.adoptOptimizer(opt),
      schedulerCreated: (sched) => this.lent.addScheduler(sched),
      beforeBackward: (root) => this.beforeBackward(root),
      beforeOptimizerStep: (opt) => this.beforeOptimizerStep(opt),
      afterOptimizerStep: (opt) => this.afterOptimizerStep(opt),
      batch: (loader, pair, index) => this.onBatch(loader, pair, index),
      loaderExhausted: (loader) => this.onLoaderExhausted(loader),
    };
    setTrainingHooks(hooks);
    setLogSink((values) => this.logMetrics(values));
  }

  /** gradlens.log(): at the step in progress, or the last step taken (a validation pass after an epoch's steps). */
  private logMetrics(values: Record<string, number>): void {
    const step = this.stepOpen ? this.step : Math.max(0, this.step - 1);
    this.emit({ type: 'metrics', step, epoch: this.stepOpen ? this.epoch : this.lastStepEpoch, values });
  }

  private uninstall(): void {
    setLogSink(null);
    setTrainingHooks(null);
    this.probe.uninstall();
  }

  private emit(msg: EngineMessage): void {
    // Steps time travel replays are already in the record.
    if (this.debug.silences(msg)) return;
    this.host.emit(msg);
  }

  private finish(reason: 'completed' | 'stopped', t0: number): void {
    this.emit({ type: 'finished', reason, step: this.step, durationMs: performance.now() - t0 });
  }

  // ---- what the hooks see -------------------------------------------------------------------
  private adoptOptimizer(opt: HookOptimizer): void {
    const o = opt as TrackedOptimizer;
    if (this.optimizers.includes(o)) return;
    this.optimizers.push(o);
    this.observer.invalidate();
    for (const g of opt.param_groups) for (const p of g.params) this.optimized.add(p);
  }

  /** A module call: a model's call opens a step; only calls with gradients on, inside a step, are watched. */
  private moduleCall(m: AnyModule, args: readonly unknown[]): void {
    if (!is_grad_enabled() || this.debug.current.kind === 'paused') {
      this.probe.active = false;
      return;
    }
    if (layerDepth() === 1) {
      if (!this.trackedSet.has(m) && this.isModel(m)) this.adoptModel(m);
      // A model in eval mode is being evaluated (without no_grad, a common slip), not trained: no step opens.
      if ((this.trackedSet.has(m) || this.roots.includes(m)) && m.training) {
        if (!this.stepOpen) this.openStep(args[0]);
      }
    }
    this.probe.active = this.stepOpen;
  }

  /** A top-level module whose parameters an optimizer updates (a loss module or a frozen network is not one). */
  private isModel(m: AnyModule): boolean {
    if (this.roots.includes(m)) return false;
    for (const p of m.parameters()) if (this.optimized.has(p)) return true;
    return false;
  }

  private adoptModel(root: AnyModule): void {
    // A second model (a GAN's discriminator) is told apart by its class name in front of its layers' paths.
    const prefix = this.roots.length === 0 ? '' : uniquePrefix(root.typeName, this.roots);
    for (const [name, m] of root.named_modules()) m._id = prefix ? (name ? `${prefix}.${name}` : prefix) : name;
    this.roots.push(root);
    for (const m of trackedModules(root)) {
      if (this.trackedSet.has(m)) continue;
      this.trackedSet.add(m);
      this.tracked.push(m);
    }
    this.observer.invalidate();
  }

  private onBatch(loader: object, pair: readonly [HookTensor, HookTensor], index: number): void {
    // A loader read under no_grad (evaluation between steps) is not the training data.
    if (!is_grad_enabled()) return;
    this.lent.addLoader(loader);
    if (index === 0) this.loaderStart.set(loader, this.step);
    this.batch = { pair, loader, index };
  }

  private onLoaderExhausted(loader: object): void {
    const from = this.loaderStart.get(loader);
    if (!this.autoEpochs || from === undefined || from >= this.step || this.stepOpen) return;
    this.endEpoch();
  }

  private beforeBackward(root: HookTensor): void {
    if (!this.stepOpen) this.openStep();
    if (root.data.length === 1) this.stepLoss = root.data[0];
  }

  private beforeOptimizerStep(opt: HookOptimizer): void {
    const o = opt as TrackedOptimizer;
    this.adoptOptimizer(o);
    this.primary ??= o;
    if (o !== this.primary) return this.debug.poll();
    if (!this.stepOpen) this.openStep();
    if (!this.stepSourceFound) {
      // The "train step" frame points at the user's optimizer.step() line (found once: a stack trace costs).
      this.stepSource = captureCallSite() ?? this.stepSource;
      this.stepSourceFound = true;
    }
    this.debug.beforeOptimizerStep();
    const ts = performance.now();
    const t = this.telemetryFor();
    if (this.stepStats && t.needsSnapshots && this.step % UPDATE_RATIO_EVERY === 0) t.snapshot();
    else t.clearSnapshot();
    // Update norms (for the update-to-weight ratio) cost a pass over every parameter: only on statistics steps.
    for (const x of this.optimizers) if (typeof x.trackUpdateNorms === 'boolean') x.trackUpdateNorms = this.stepStats;
    this.timing.telemetryMs += performance.now() - ts;
  }

  private afterOptimizerStep(opt: HookOptimizer): void {
    if (opt === this.primary && this.stepOpen) this.closeStep();
  }

  // ---- a training step ----------------------------------------------------------------------
  private openStep(modelInput?: unknown): void {
    if (!this.started) {
      this.startRun();
      // Until the first optimizer.step() shows the step's line, a stop before it (stop on entry) points at the
      // line that called the model.
      if (!this.stepSourceFound) this.stepSource = captureCallSite() ?? this.stepSource;
    }
    this.stepOpen = true;
    this.stepT0 = performance.now();
    this.stepLoss = NaN;
    // Samples per second count the loader's batch, or the model's input when the loop feeds tensors it made.
    const input = modelInput instanceof Tensor ? modelInput.shape[0] : undefined;
    this.stepSamples = this.batch?.pair[0].shape[0] ?? input ?? 0;
    this.stepStats = this.telemetryOn && this.cadence.due(this.step);
    this.probe.beginStep(this.stepStats);
    this.debug.batchStart();
  }

  private closeStep(): void {
    const report = takeNonFiniteReport();
    const ms = performance.now() - this.stepT0;
    this.timing.stepMs += ms;
    this.stepOpen = false;
    this.probe.active = false;
    if (this.graphRoots !== this.roots.length) this.emitGraph();
    const loss = this.stepLoss;
    const n = this.stepSamples;
    const loader = this.batch?.loader as { len?: unknown } | undefined;
    this.emit({
      type: 'step',
      step: this.step,
      epoch: this.epoch,
      batch: this.batch?.index ?? this.step,
      batchesPerEpoch: typeof loader?.len === 'number' ? loader.len : 0,
      loss,
      lr: this.primary?.param_groups[0]?.lr ?? 0,
      samplesPerSec: ms > 0 && n > 0 ? (n * 1000) / ms : 0,
      stepMs: ms,
    });
    if (Number.isFinite(loss) || Number.isNaN(loss)) {
      this.epochLossSum += loss * Math.max(1, n);
      this.epochSeen += Math.max(1, n);
    }
    const nonFinite = nonFiniteSample(report, this.roots[0]?.typeName);
    const t0 = performance.now();
    const anomalies = this.observer.observe(this.telemetryFor(), {
      step: this.step,
      epoch: this.epoch,
      loss,
      lr: this.primary?.param_groups[0]?.lr,
      nonFinite,
      stats: this.stepStats,
    });
    const statsMs = performance.now() - t0;
    this.timing.telemetryMs += statsMs;
    this.lastLoss = loss;
    this.lastStepEpoch = this.epoch;
    this.debug.batchEnd(anomalies);
    this.cadence.record(this.step, ms, statsMs, this.stepStats);
    this.step++;
    // A script's loop is not ours to break out of: the limit unwinds it (and the run completes). defineTraining's
    // loop asks atStepLimit and ends its epoch normally.
    if (this.autoEpochs && this.atStepLimit) throw new StepLimitReached();
  }

  private telemetryFor(): Telemetry {
    return this.observer.telemetryOf(this.tracked, this.optimizers);
  }

  private startRun(): void {
    this.started = true;
    const o = this.input.options;
    const opt = this.optimizers[0];
    const first = this.batch?.pair[0].shape[0];
    const loader = this.batch?.loader as { dataset?: { n?: unknown } } | undefined;
    const config: RunConfig = {
      epochs: this.known?.epochs ?? o.epochs ?? 0,
      batchSize: this.known?.batchSize ?? first ?? 0,
      seed: this.known?.seed ?? o.seed ?? 0,
      optimizer: opt ? (opt.constructor as { name?: string }).name ?? 'optimizer' : 'none',
      lr: opt?.param_groups[0]?.lr ?? 0,
      backend: o.backend ?? 'auto',
      trainSize: this.known?.trainSize ?? (typeof loader?.dataset?.n === 'number' ? loader.dataset.n : 0),
      valSize: this.known?.valSize ?? 0,
      histogramEvery: this.histogramEvery,
    };
    this.emit({
      type: 'runStarted',
      runId: `${Date.now().toString(36)}-${process.pid}`,
      modelFile: this.input.modelFile,
      startedAt: new Date().toISOString(),
      config,
    });
    this.emit({ type: 'kernels', backends: kernelBackends() });
  }

  private emitGraph(): void {
    this.graphRoots = this.roots.length;
    this.emit({ type: 'graph', graph: buildRunGraph(this.roots, { input: this.probe.inputShapes, output: this.probe.outputShapes }) });
  }

  /** The run as its debugger sees it (read when the debugger asks, so always the current step and batch). */
  private debugTarget(): DebugTarget {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read the live session
    const self = this;
    return {
      step: () => this.step,
      get model(): AnyModule | undefined {
        return self.roots[0];
      },
      layers: () => (this.probe.order.length ? this.probe.order : this.tracked),
      get stepSource(): SourceLocation {
        return self.stepSource;
      },
      scope: () => {
        const batch = this.batch?.pair;
        return {
          model: this.roots[0],
          ...(this.roots.length > 1 ? { models: this.roots.slice() } : {}),
          layers: layersByName(this.tracked),
          step: this.step,
          epoch: this.epoch,
          loss: this.lastLoss,
          optimizer: this.primary ?? this.optimizers[0],
          // The Variables view shows lr, so the Debug Console knows it too (the first group's, as PyTorch prints it).
          lr: (this.primary ?? this.optimizers[0])?.param_groups[0]?.lr,
          // A loader's batch is the pair [x, y]; the debugger shows it by name.
          batch: batch && batch[0] instanceof Tensor ? { x: batch[0], y: batch[1] } : undefined,
        };
      },
      captured: (layer) => this.probe.captures.get(layer),
      setLearningRate: (lr) => {
        for (const o of this.optimizers) for (const g of o.param_groups) g.lr = lr;
      },
      travel: this.lent.loop({
        models: () => this.roots,
        optimizers: () => this.optimizers,
        monitor: this.monitor,
        trainLoader: () => this.batch?.loader,
        // Restores happen in batchEnd, before closeStep counts the step.
        setNextStep: (step) => (this.step = step - 1),
        counters: {
          save: () => ({ epoch: this.epoch, sum: this.epochLossSum, seen: this.epochSeen, starts: this.lent.trainLoaders.map((l) => this.loaderStart.get(l)) }),
          restore: (saved) => {
            const c = saved as { epoch: number; sum: number; seen: number; starts: Array<number | undefined> };
            [this.epoch, this.epochLossSum, this.epochSeen] = [c.epoch, c.sum, c.seen];
            this.lent.trainLoaders.forEach((l, i) => (c.starts[i] === undefined ? this.loaderStart.delete(l) : this.loaderStart.set(l, c.starts[i] as number)));
          },
        },
      }),
    };
  }
}

function uniquePrefix(name: string, roots: readonly AnyModule[]): string {
  const taken = new Set(roots.map((r) => r._id));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}${i}`)) return `${name}${i}`;
}
