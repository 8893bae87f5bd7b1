// The debug runtime: a training run seen as a debuggee. It wraps an engine connection, keeps the breakpoints and
// the pause state, and emits typed events; it knows nothing of DAP or VS Code (the adapter translates). Over 350
// lines: one short method per command the debugger sends (time travel's included) and the folding of every engine
// message the debugger shows, in one place.
import { EventEmitter } from 'node:events';
import type {
  Anomaly,
  AnomalyBreakpoint,
  EngineMessage,
  ErrorInfo,
  EvaluateResult,
  FrameInfo,
  InspectWhat,
  LayerBreakpoint,
  LayerInfo,
  PauseReason,
  SourceLocation,
  StartOptions,
  TensorSummary,
  VariablesResult,
} from '../../protocol/messages';
import { RunProgress } from '../../protocol/run-state';
import type { EngineConnection, EngineLauncher } from '../run/connection';
import { traceText } from './trace-text';

export interface StopInfo {
  step: number;
  reason: PauseReason;
  description: string;
  anomaly?: Anomaly;
  frames: FrameInfo[];
  /** Ids of the layer breakpoints that caused the stop (reason 'breakpoint'). */
  hitBreakpointIds?: number[];
}

export interface RuntimeOutput {
  category: 'console' | 'stdout' | 'stderr' | 'important';
  text: string;
  source?: SourceLocation;
}

export interface BreakpointState {
  id: number;
  line: number;
  verified: boolean;
  message?: string;
}

export interface RuntimeEvents {
  stopped: [StopInfo];
  continued: [];
  output: [RuntimeOutput];
  /** A breakpoint's verification changed (the model graph arrived and told us which lines build layers). */
  breakpoint: [BreakpointState];
  engineError: [ErrorInfo];
  ended: [{ reason: 'completed' | 'stopped' | 'error'; step: number }];
}

export interface RequestedBreakpoint {
  line: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export class TrainingRuntime extends EventEmitter<RuntimeEvents> {
  private connection: EngineConnection | undefined;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private ended = false;
  private anomalyBreakpoints: AnomalyBreakpoint[] = [];
  private readonly layerBreakpoints = new Map<string, (LayerBreakpoint & { verified: boolean })[]>();
  private nextBreakpointId = 1;
  private layers: LayerInfo[] | undefined;
  private stop_: StopInfo | undefined;
  /** The run's progress as every side folds it (protocol/run-state.ts). */
  private readonly progress = new RunProgress();
  /** The learning rate: the last step's, or the one the user just set. */
  private lr: number | undefined;
  /** The loss and lr of recent steps, so that after going back Metrics shows the step before the one returned to. */
  private readonly recent = new Map<number, { loss: number; lr: number }>();
  /** The step a time-travel move went back to, until the run's next step message (its new branch) arrives. */
  private wentBackTo: number | undefined;

  constructor(private readonly launcher: EngineLauncher) {
    super();
  }

  get stopInfo(): StopInfo | undefined {
    return this.stop_;
  }

  get graphLayers(): readonly LayerInfo[] {
    return this.layers ?? [];
  }

  get metrics(): { step?: number; loss?: number; lr?: number } {
    if (this.wentBackTo !== undefined) {
      // The last step messages are from ahead of where the run now is: show the last step taken before it.
      const before = this.recent.get(this.wentBackTo - 1);
      return { step: this.wentBackTo, loss: before?.loss, lr: this.lr };
    }
    return { step: this.progress.lastStep?.step, loss: this.progress.lastStep?.loss, lr: this.lr };
  }

  /** Spawns the engine (slow part first: the debugger UI is still sending breakpoints meanwhile). */
  async launch(modelFile: string): Promise<void> {
    this.connection = await this.launcher(modelFile);
    this.unsubscribe = this.connection.onMessage((m) => this.onMessage(m));
    void this.connection.exited.then(() => this.end('error', this.progress.lastStep?.step ?? 0));
  }

  /** Starts training with the breakpoints gathered so far. */
  async start(options: StartOptions): Promise<void> {
    const conn = this.requireConnection();
    this.started = true;
    await conn.start({
      ...options,
      breakOn: this.anomalyBreakpoints,
      layerBreakpoints: this.allLayerBreakpoints(),
    });
  }

  async setAnomalyBreakpoints(breakpoints: AnomalyBreakpoint[]): Promise<void> {
    this.anomalyBreakpoints = breakpoints;
    if (this.started && !this.ended) await this.requireConnection().request({ type: 'setBreakpoints', anomalies: breakpoints });
  }

  /** Replaces the breakpoints of one file; returns them with ids and verification, in the order given. */
  async setLayerBreakpoints(file: string, requested: RequestedBreakpoint[]): Promise<BreakpointState[]> {
    const list = requested.map((r) => {
      const bp: LayerBreakpoint & { verified: boolean } = {
        id: this.nextBreakpointId++,
        file,
        line: r.line,
        verified: false,
      };
      if (r.condition) bp.condition = r.condition;
      if (r.hitCondition) bp.hitCondition = r.hitCondition;
      if (r.logMessage) bp.logMessage = r.logMessage;
      bp.verified = this.layers ? this.layerAt(file, r.line) !== undefined : false;
      return bp;
    });
    this.layerBreakpoints.set(file, list);
    if (this.started && !this.ended) {
      await this.requireConnection().request({ type: 'setBreakpoints', layers: this.allLayerBreakpoints() });
    }
    return list.map((bp) => this.breakpointState(bp));
  }

  async pause(): Promise<void> {
    await this.requireConnection().request({ type: 'pause' });
  }

  async resume(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'resume' });
  }

  /** Step over: one batch. */
  async stepBatch(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'step', count: 1, unit: 'batch' });
  }

  /** Step into: the next layer call (forward, then backward). */
  async stepLayer(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'step', count: 1, unit: 'layer' });
  }

  /** Step Back: to the start of the previous step (of this one, once it has begun); the engine replays to it. */
  async stepBack(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'stepBack' });
  }

  /** Reverse Continue: to the start of the step of the last anomaly or breakpoint stop. */
  async reverseContinue(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'reverseContinue' });
  }

  /** Skip this batch and continue: the step is redone on the next batch. */
  async skipBatch(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'skipBatch' });
  }

  /** Multiplies the learning rate by `factor` from the step the run stopped in, and continues. */
  async scaleLearningRate(factor: number): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'scaleLearningRate', factor });
    if (this.lr !== undefined) this.lr *= factor;
  }

  /** Replays the step the run stopped in from a snapshot with every op traced (a stepTrace follows), and continues. */
  async traceStep(): Promise<void> {
    this.stop_ = undefined;
    await this.requireConnection().request({ type: 'traceStep' });
  }

  async inspect(layerId: string, what: InspectWhat, full = false): Promise<TensorSummary> {
    return this.requireConnection().request({ type: 'inspect', layerId, what, full });
  }

  async evaluate(expression: string): Promise<EvaluateResult> {
    return this.requireConnection().request({ type: 'evaluate', expression });
  }

  /** The children of a node of the engine's variables tree while paused ('' for the roots). */
  async variables(ref: string): Promise<VariablesResult> {
    return this.requireConnection().request({ type: 'variables', ref });
  }

  async setLearningRate(lr: number): Promise<void> {
    await this.requireConnection().request({ type: 'setLearningRate', lr });
    this.lr = lr;
  }

  async terminate(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.connection) await this.connection.stop();
    this.end('stopped', this.progress.lastStep?.step ?? 0);
  }

  layerAt(file: string, line: number): LayerInfo | undefined {
    return this.layers?.find((l) => l.source?.file === file && l.source.line === line);
  }

  private onMessage(m: EngineMessage): void {
    this.progress.apply(m);
    switch (m.type) {
      case 'graph':
        this.layers = m.graph.layers;
        this.reverifyBreakpoints();
        break;
      case 'step':
        this.lr = m.lr;
        this.wentBackTo = undefined;
        this.recent.set(m.step, { loss: m.loss, lr: m.lr });
        // Enough to reach back past a ring of snapshots (8 x 10 steps by default).
        if (this.recent.size > 1000) this.recent.delete(this.recent.keys().next().value as number);
        break;
      case 'paused':
        this.stop_ = {
          step: m.step,
          reason: m.reason,
          description: m.description,
          anomaly: m.anomaly,
          frames: m.frames,
          hitBreakpointIds: m.reason === 'breakpoint' ? this.breakpointsHitBy(m.frames) : undefined,
        };
        this.emit('stopped', this.stop_);
        break;
      case 'resumed':
        this.stop_ = undefined;
        this.emit('continued');
        break;
      case 'log':
        this.emit('output', {
          category: m.level === 'error' ? 'stderr' : 'console',
          text: m.message,
          source: m.source,
        });
        break;
      case 'anomaly':
        this.emit('output', { category: 'console', text: `⚠ ${m.anomaly.message}`, source: m.anomaly.layer?.source });
        break;
      case 'timeTravel':
        if (m.event.toStep <= (this.progress.lastStep?.step ?? -1)) {
          this.wentBackTo = m.event.toStep;
          // The rate the run has at the step returned to (a learning-rate factor applies on arrival).
          const lr = this.recent.get(m.event.toStep)?.lr ?? this.recent.get(m.event.toStep - 1)?.lr;
          if (lr !== undefined) this.lr = m.event.lrFactor !== undefined && m.event.snapshotStep !== undefined ? lr * m.event.lrFactor : lr;
        }
        this.emit('output', { category: 'console', text: `⟲ ${m.event.message}` });
        break;
      case 'stepTrace':
        this.emit('output', { category: 'console', text: traceText(m.trace) });
        break;
      case 'epoch': {
        const val = m.val ? `, val loss ${m.val.loss.toPrecision(4)}` : '';
        this.emit('output', {
          category: 'console',
          text: `epoch ${m.epoch + 1}: train loss ${m.train.loss.toPrecision(4)}${val} (${m.durationMs} ms)`,
        });
        break;
      }
      case 'error':
        this.emit('engineError', m.error);
        this.emit('output', {
          category: 'stderr',
          text: `${m.error.message}${m.error.hint ? '\n' + m.error.hint : ''}`,
          source: m.error.location,
        });
        break;
      case 'finished':
        this.end(m.reason, m.step);
        break;
      default:
        break;
    }
  }

  private end(reason: 'completed' | 'stopped' | 'error', step: number): void {
    if (this.ended) return;
    this.ended = true;
    this.stop_ = undefined;
    this.emit('ended', { reason, step });
  }

  private allLayerBreakpoints(): LayerBreakpoint[] {
    return [...this.layerBreakpoints.values()].flat().map(({ verified: _v, ...bp }) => bp);
  }

  private reverifyBreakpoints(): void {
    for (const list of this.layerBreakpoints.values()) {
      for (const bp of list) {
        const verified = this.layerAt(bp.file, bp.line) !== undefined;
        if (verified !== bp.verified || !verified) {
          bp.verified = verified;
          this.emit('breakpoint', this.breakpointState(bp));
        }
      }
    }
  }

  private breakpointState(bp: LayerBreakpoint & { verified: boolean }): BreakpointState {
    return {
      id: bp.id,
      line: bp.line,
      verified: bp.verified,
      message: bp.verified
        ? undefined
        : this.layers
          ? 'No layer is constructed on this line: Gradlens breakpoints go on the line that builds a layer.'
          : 'Resolved when the model is built.',
    };
  }

  private breakpointsHitBy(frames: FrameInfo[]): number[] {
    const top = frames[0]?.source;
    if (!top) return [];
    return (this.layerBreakpoints.get(top.file) ?? []).filter((bp) => bp.line === top.line).map((bp) => bp.id);
  }

  private requireConnection(): EngineConnection {
    if (!this.connection) throw new Error('The training process is not running.');
    return this.connection;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.removeAllListeners();
  }
}
