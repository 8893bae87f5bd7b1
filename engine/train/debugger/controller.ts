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

export class DebugController implements DebugHookPoints {
  private state: DebuggerState = { kind: 'running' };
  private readonly breakpoints: Breakpoints;

  constructor(
    private readonly host: DebugHost,
    private readonly target: DebugTarget,
    private readonly monitor: Monitor,
    options: Pick<StartOptions, 'breakOn' | 'layerBreakpoints' | 'stopOnEntry'> = {},
  ) {
    this.breakpoints = new Breakpoints(monitor);
    this.breakpoints.setAnomalies(options.breakOn ?? []);
    this.breakpoints.setLayers(options.layerBreakpoints ?? []);
    if (options.stopOnEntry === true) this.state = { kind: 'entryPending' };
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
    this.poll();
    const s = this.state;
    const step = this.target.step();
    if (s.kind === 'entryPending') return this.pause('entry', 'Paused before the first step', { at: 'step' });
    if (s.kind === 'stepping' && s.unit === 'batch' && --s.remaining <= 0) return this.pause('step', `Paused before step ${step}`, { at: 'step' });
    if (s.kind === 'pauseRequested') this.pause('pause', `Paused before step ${step}`, { at: 'step' });
  }

  layerForward(layer: AnyModule, args: readonly unknown[]): void {
    // A layer called while paused runs for an expression in the Debug Console: it does not stop again.
    if (this.state.kind === 'paused') return;
    this.poll();
    const input = args[0];
    const place: StopPlace = { at: 'forward', layer, input };
    if (this.layerStepDone()) return this.pause('step', `${layer.displayName()} forward (step ${this.target.step()})`, place);
    const scope = (): Record<string, unknown> => this.scope(place);
    const bp = this.breakpoints.layerBreakpointAt(layer, scope, (level, message, source) => this.host.emit({ type: 'log', level, message, source }));
    if (bp) this.pause('breakpoint', `Breakpoint ${bp.id} in ${layer.displayName()} (step ${this.target.step()})`, place);
  }

  layerBackward(layer: AnyModule, outGrad: Tensor): void {
    if (this.state.kind === 'paused') return;
    if (this.layerStepDone()) this.pause('step', `${layer.displayName()} backward (step ${this.target.step()})`, { at: 'backward', layer, outGrad });
  }

  beforeOptimizerStep(): void {
    this.poll();
  }

  batchEnd(anomalies: readonly Anomaly[]): void {
    const anomaly = this.breakpoints.anomalyToStopOn(anomalies);
    if (anomaly) this.pause('anomaly', anomaly.message, { at: 'step' }, anomaly);
  }

  epochEnd(): void {
    this.poll();
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
      }
    } catch (err) {
      if (err instanceof StopSignal) throw err;
      this.fail(cmd.seq, { id: 'requestFailed', message: (err as Error).message ?? String(err), showUser: false });
    }
  }

  private respond(seq: number, body?: unknown): void {
    this.host.emit({ type: 'response', request_seq: seq, success: true, ...(body !== undefined ? { body } : {}) });
  }

  private fail(seq: number, error: ErrorInfo): void {
    this.host.emit({ type: 'response', request_seq: seq, success: false, error });
  }
}
