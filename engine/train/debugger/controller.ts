// The debugger of one run, apart from the loop it stops: the training loop calls it at named points of each step
// (DebugHookPoints), and it pauses there when the host asked (pause, step by batch or by layer, stop on entry), when
// a layer breakpoint or an anomaly breakpoint is hit, and answers the host's commands meanwhile (inspect, evaluate,
// variables, breakpoints, thresholds, the learning rate, stop). Pausing blocks the calling thread in host.wait().
// Its whole state is one tagged union (DebuggerState). The hook points are what a training step has in every
// form: defineTraining's loop calls them today, and a loop the user writes (module call, loss.backward(),
// optimizer.step()) can call the same ones.
import type { Anomaly, EngineMessage, ErrorInfo, HostCommand, PauseReason, StartOptions } from '../../../protocol/messages';
import type { Monitor } from '../../monitor/monitor';
import type { AnyModule } from '../../nn/module';
import { Tensor } from '../../tensor';
import { StopSignal } from '../errors';
import { evaluate } from '../inspect';
import { variables } from '../variables';
import { Recovery } from '../timetravel/recovery';
import { TimeTravel, type StepPosition } from '../timetravel/time-travel';
import { StepTracer } from '../timetravel/trace';
import { Breakpoints } from './breakpoints';
import { frames, inspectLayer, placeScope, type DebugTarget, type StopPlace } from './view';

/** How the controller talks to the host (the engine child's command channel, or a scripted host in tests). */
export interface DebugHost {
  emit(msg: EngineMessage): void;
  /** Commands that arrived since the last call (never blocks). */
  poll(): HostCommand[];
  /** Blocks until at least one command arrives. */
  wait(): HostCommand[];
}

/**
 * The points of a training step where the debugger may stop, in the order a step reaches them. Each may block
 * (paused) and may throw StopSignal (the host stopped the run). In a loop the user writes they fall at: the
 * step's first module call (batchStart, then layerForward for each tracked module called), loss.backward()
 * (layerBackward as it reaches each layer, beforeOptimizerStep when it returns) and optimizer.step() (batchEnd
 * once the step is observed); exhausting the training loader is epochEnd.
 */
export interface DebugHookPoints {
  /** Before a step's forward pass, with its batch chosen (Step Over stops here; so do Pause and stop on entry). */
  batchStart(): void;
  /** A tracked layer is about to run its forward on `args` (a module call: layer breakpoints, Step Into). */
  layerForward(layer: AnyModule, args: readonly unknown[]): void;
  /** The backward pass has computed the gradient of a tracked layer's output (Step Into, backward). */
  layerBackward(layer: AnyModule, outGrad: Tensor): void;
  /** Gradients are complete and the weights not yet changed (loss.backward() returned; optimizer.step() next). */
  beforeOptimizerStep(): void;
  /** The step is done and its telemetry observed: an anomaly breakpoint stops on the first matching anomaly. */
  batchEnd(anomalies: readonly Anomaly[]): void;
  /** An epoch ended (the training loader is exhausted). */
  epochEnd(): void;
}

/** Everything the controller is doing, in one place. */
export type DebuggerState =
  | { kind: 'running' }
  /** stopOnEntry: stop at the first batch start. Nothing but reaching it leaves this state. */
  | { kind: 'entryPending' }
  /** Pause at the next batch start. */
  | { kind: 'pauseRequested' }
  /** Stop after `remaining` more batch starts (Step Over) or layer passes (Step Into). */
  | { kind: 'stepping'; unit: 'batch' | 'layer'; remaining: number }
  | { kind: 'paused'; reason: PauseReason; place: StopPlace };

/** What a step reports: left out while time travel replays steps the record already has. */
const STEP_REPORTS: ReadonlySet<EngineMessage['type']> = new Set(['step', 'layerStats', 'histograms', 'anomaly', 'epoch']);

/** The options the controller reads (time travel's and recovery's besides the debugger's own). */
export type DebugOptions = Pick<StartOptions, 'breakOn' | 'layerBreakpoints' | 'stopOnEntry' | 'snapshots' | 'recover' | 'maxRecoveries'>;

export class DebugController implements DebugHookPoints {
  private state: DebuggerState = { kind: 'running' };
  private readonly breakpoints: Breakpoints;
  /** Snapshots and going back (absent when the loop lends no state or snapshots are off). */
  readonly travel: TimeTravel | undefined;
  private readonly recovery: Recovery | undefined;
  /** Where in its step the run is: Step Back goes to this step's start once it has begun. */
  private at: StepPosition = 'start';
  /** Steps of the anomaly and breakpoint stops, newest last (Reverse Continue goes back to them). */
  private readonly stopSteps: number[] = [];
  private lastEpochReported = -1;
  /** A traced replay under way (traceStep): gradient norms of the replayed steps, then the traced step's ops. */
  private tracer: StepTracer | undefined;

  constructor(
    private readonly host: DebugHost,
    private readonly target: DebugTarget,
    private readonly monitor: Monitor,
    options: DebugOptions = {},
  ) {
    this.breakpoints = new Breakpoints(monitor);
    this.breakpoints.setAnomalies(options.breakOn ?? []);
    this.breakpoints.setLayers(options.layerBreakpoints ?? []);
    if (options.stopOnEntry === true) this.state = { kind: 'entryPending' };
    if (target.travel && options.snapshots !== false) {
      this.travel = new TimeTravel(target.travel, options.snapshots ?? {}, (m) => host.emit(m));
      if (options.recover?.length) this.recovery = new Recovery(options.recover, options.maxRecoveries);
    }
  }

  /**
   * Whether the loop should leave this message out: a step replayed by time travel, already in the record. An
   * epoch's end is left out only when it was reported before (a skip can end an epoch the record never saw end).
   */
  silences(msg: EngineMessage): boolean {
    const silent = this.travel?.silent === true;
    if (msg.type === 'epoch') {
      if (silent && msg.epoch <= this.lastEpochReported) return true;
      this.lastEpochReported = Math.max(this.lastEpochReported, msg.epoch);
      return false;
    }
    return silent && STEP_REPORTS.has(msg.type);
  }

  get current(): Readonly<DebuggerState> {
    return this.state;
  }

  /** Whether the backward pass must report each layer's output gradient (layerBackward): stepping by layer. */
  get stopsInBackward(): boolean {
    return this.state.kind === 'stepping' && this.state.unit === 'layer';
  }

  /**
   * Whether the loop should keep each layer's output and output gradient on this step (not only on statistics
   * steps), so a stop inside a layer can show the layers that ran before it.
   */
  get keepsLayerTensors(): boolean {
    return this.stopsInBackward || this.breakpoints.hasLayerBreakpoints;
  }

  // ---- hook points ----------------------------------------------------------------------------
  batchStart(): void {
    this.at = 'start';
    const step = this.target.step();
    const arrived = this.travel?.batchStart(step);
    if (arrived?.kind === 'traceStep') this.tracer?.start();
    // A replay does not stop (nor read commands) before it arrives.
    if (this.travel?.silent) return;
    if (arrived?.pause) return this.pause('step', `Back at step ${step}, before it runs (${arrived.kind === 'reverseContinue' ? 'Reverse Continue' : 'Step Back'})`, { at: 'step' });
    this.poll();
    const s = this.state;
    if (s.kind === 'entryPending') return this.pause('entry', 'Paused before the first step', { at: 'step' });
    if (s.kind === 'stepping' && s.unit === 'batch' && --s.remaining <= 0) return this.pause('step', `Paused before step ${step}`, { at: 'step' });
    if (s.kind === 'pauseRequested') this.pause('pause', `Paused before step ${step}`, { at: 'step' });
  }

  layerForward(layer: AnyModule, args: readonly unknown[]): void {
    // A layer called while paused runs for an expression in the Debug Console: it does not stop again.
    if (this.state.kind === 'paused' || this.travel?.silent) return;
    this.at = 'inside';
    this.poll();
    const input = args[0];
    const place: StopPlace = { at: 'forward', layer, input };
    if (this.layerStepDone()) return this.pause('step', `${layer.displayName()} forward (step ${this.target.step()})`, place);
    const scope = (): Record<string, unknown> => this.scope(place);
    const bp = this.breakpoints.layerBreakpointAt(layer, scope, (level, message, source) => this.host.emit({ type: 'log', level, message, source }));
    if (bp) this.pause('breakpoint', `Breakpoint ${bp.id} in ${layer.displayName()} (step ${this.target.step()})`, place);
  }

  layerBackward(layer: AnyModule, outGrad: Tensor): void {
    if (this.state.kind === 'paused' || this.travel?.silent) return;
    this.at = 'inside';
    if (this.layerStepDone()) this.pause('step', `${layer.displayName()} backward (step ${this.target.step()})`, { at: 'backward', layer, outGrad });
  }

  beforeOptimizerStep(): void {
    if (this.travel?.silent) return;
    this.at = 'inside';
    this.poll();
  }

  batchEnd(anomalies: readonly Anomaly[]): void {
    const step = this.target.step();
    if (this.tracer) this.traced(step);
    if (!this.travel?.silent) {
      this.at = 'end';
      const anomaly = this.recoverFrom(anomalies) ? undefined : this.breakpoints.anomalyToStopOn(anomalies);
      if (anomaly) this.pause('anomaly', anomaly.message, { at: 'step' }, anomaly);
    }
    // Snapshots are taken, and a move back carried out, here: between this step and the next.
    this.travel?.stepEnd(step);
  }

  epochEnd(): void {
    if (this.travel?.silent) return;
    this.poll();
  }

  /** A step of a traced replay ended: its gradient norms; after the traced step itself, the stepTrace message. */
  private traced(step: number): void {
    const tracer = this.tracer;
    if (!tracer) return;
    const loss = this.target.scope().loss;
    tracer.recordStep(step, typeof loss === 'number' ? loss : NaN);
    if (!tracer.tracing || step !== tracer.step) return;
    this.tracer = undefined;
    this.host.emit({ type: 'stepTrace', trace: tracer.finish() });
  }

  /** --recover: plans a rollback past this step's anomaly; true when one was planned (the run does not stop on it). */
  private recoverFrom(anomalies: readonly Anomaly[]): boolean {
    if (!this.recovery || !this.travel) return false;
    const d = this.recovery.decide(anomalies, this.monitor.current.patience);
    const warn = (message: string): void => this.host.emit({ type: 'log', level: 'warn', message });
    if (d.act === 'none') return false;
    if (d.act === 'capped') {
      warn(`Recovery: ${d.max} rollbacks made (the cap, maxRecoveries); ${d.anomaly.kind} at step ${d.anomaly.step} and later anomalies are only reported.`);
      return false;
    }
    const why = this.travel.recover(d.anomaly.kind, d.first, d.last);
    if (why === undefined) return true;
    this.recovery.undo();
    warn(`Recovery from ${d.anomaly.kind} at step ${d.anomaly.step} not possible: ${why}`);
    return false;
  }

  /** Handles the commands that arrived, without blocking (the loop's own checkpoints call this too). */
  poll(): void {
    for (const cmd of this.host.poll()) this.handle(cmd);
  }

  // ---- pausing --------------------------------------------------------------------------------
  /** Counts one layer pass while stepping by layer; true when the step is done and the run should stop here. */
  private layerStepDone(): boolean {
    const s = this.state;
    return s.kind === 'stepping' && s.unit === 'layer' && --s.remaining <= 0;
  }

  private pause(reason: PauseReason, description: string, place: StopPlace, anomaly?: Anomaly): void {
    this.state = { kind: 'paused', reason, place };
    if (reason === 'anomaly' || reason === 'breakpoint') {
      this.stopSteps.push(this.target.step());
      if (this.stopSteps.length > 100) this.stopSteps.shift();
    }
    this.host.emit({ type: 'paused', step: this.target.step(), reason, description, frames: frames(this.target, place), ...(anomaly ? { anomaly } : {}) });
    while (this.state.kind === 'paused') for (const cmd of this.host.wait()) this.handle(cmd);
    this.host.emit({ type: 'resumed', step: this.target.step() });
  }

  private get place(): StopPlace {
    return this.state.kind === 'paused' ? this.state.place : { at: 'step' };
  }

  private scope(place: StopPlace): Record<string, unknown> {
    return { ...this.target.scope(), ...placeScope(place) };
  }

  // ---- commands -------------------------------------------------------------------------------
  /** One host command, while running (at a hook point) or while paused. Throws StopSignal for `stop`. */
  handle(cmd: HostCommand): void {
    try {
      switch (cmd.type) {
        case 'pause':
          if (this.state.kind === 'running' || this.state.kind === 'stepping') this.state = { kind: 'pauseRequested' };
          return this.respond(cmd.seq);
        case 'resume':
          if (this.state.kind === 'paused' || this.state.kind === 'stepping') this.state = { kind: 'running' };
          return this.respond(cmd.seq);
        case 'step':
          // Before the entry stop a step waits for it (it counts from there once given while paused).
          if (this.state.kind !== 'entryPending') this.state = { kind: 'stepping', unit: cmd.unit, remaining: Math.max(1, cmd.count) };
          return this.respond(cmd.seq);
        case 'stop':
          this.tracer?.stop();
          this.respond(cmd.seq);
          this.state = { kind: 'running' };
          throw new StopSignal();
        case 'setBreakpoints':
          if (cmd.anomalies) this.breakpoints.setAnomalies(cmd.anomalies);
          if (cmd.layers) this.breakpoints.setLayers(cmd.layers);
          return this.respond(cmd.seq);
        case 'setThresholds':
          this.monitor.setThresholds(cmd.thresholds);
          return this.respond(cmd.seq, this.monitor.current);
        case 'setLearningRate':
          if (!(cmd.lr > 0) || !Number.isFinite(cmd.lr)) return this.fail(cmd.seq, { id: 'badValue', message: `Learning rate must be a positive number (got ${cmd.lr})`, showUser: true });
          this.target.setLearningRate(cmd.lr);
          return this.respond(cmd.seq, { lr: cmd.lr });
        case 'inspect':
          return this.respond(cmd.seq, inspectLayer(this.target, this.place, cmd.layerId, cmd.what, cmd.full === true));
        case 'evaluate':
          return this.respond(cmd.seq, evaluate(cmd.expression, this.scope(this.place)));
        case 'variables':
          return this.respond(cmd.seq, variables(this.scope(this.place), cmd.ref));
        case 'start':
          return this.fail(cmd.seq, { id: 'alreadyStarted', message: 'This engine process is already running a model', showUser: false });
        case 'stepBack':
        case 'reverseContinue':
        case 'skipBatch':
        case 'scaleLearningRate':
        case 'traceStep':
          return this.travelCommand(cmd);
      }
    } catch (err) {
      if (err instanceof StopSignal) throw err;
      this.fail(cmd.seq, { id: 'requestFailed', message: (err as Error).message ?? String(err), showUser: false });
    }
  }

  /** Step Back, Reverse Continue, skip this batch, scale the learning rate: from a stop, then the run moves on. */
  private travelCommand(cmd: Extract<HostCommand, { type: 'stepBack' | 'reverseContinue' | 'skipBatch' | 'scaleLearningRate' | 'traceStep' }>): void {
    if (!this.travel) return this.fail(cmd.seq, { id: 'timeTravelOff', message: 'Time travel is off for this run (snapshots: false).', showUser: true });
    if (this.state.kind !== 'paused') return this.fail(cmd.seq, { id: 'notPaused', message: 'Going back works from a stop: pause the run first.', showUser: true });
    const factor = cmd.type === 'scaleLearningRate' ? cmd.factor : undefined;
    const why = this.travel.request(cmd.type, this.target.step(), this.at, { factor, lastStops: this.stopSteps });
    if (why !== undefined) return this.fail(cmd.seq, { id: 'cannotTravel', message: why, showUser: true });
    if (cmd.type === 'traceStep') {
      this.tracer?.stop();
      this.tracer = new StepTracer(this.target.step(), () => this.target.layers());
    }
    this.state = { kind: 'running' };
    this.respond(cmd.seq);
  }

  private respond(seq: number, body?: unknown): void {
    this.host.emit({ type: 'response', request_seq: seq, success: true, ...(body !== undefined ? { body } : {}) });
  }

  private fail(seq: number, error: ErrorInfo): void {
    this.host.emit({ type: 'response', request_seq: seq, success: false, error });
  }
}
