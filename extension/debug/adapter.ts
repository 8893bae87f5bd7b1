// The debug adapter: translates DAP requests into TrainingRuntime calls, one method per request, and runtime events
// into DAP events. A training run is one thread; its call stack is the training step, then the layer frames. The
// Variables view's tree is variables.ts. About 430 lines: one short method per DAP request (twenty-two of them) and
// the Debug Console's commands.
import * as path from 'node:path';
import {
  BreakpointEvent,
  ContinuedEvent,
  DebugSession,
  InitializedEvent,
  OutputEvent,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AnomalyBreakpoint, AnomalyKind, StartOptions } from '../../protocol/messages';
import { ANOMALY_FILTERS, type LaunchArguments } from '../contributions';
import { ANOMALY_TITLES, tensorSummaryText } from '../run/format';
import type { BreakpointState, RuntimeOutput, StopInfo, TrainingRuntime } from './runtime';
import { VariablesTree } from './variables';

const THREAD_ID = 1;

/** Ids of the adapter's error responses, one per failure (DAP shows `format`; the id tells them apart in logs). */
export const DapErrorIds = {
  launchFailed: 1001,
  setExceptionBreakpointsFailed: 1002,
  setBreakpointsFailed: 1003,
  variablesFailed: 1004,
  setLearningRateFailed: 1005,
  evaluateFailed: 1006,
  runtimeCallFailed: 1007,
  onlyLearningRateSettable: 1008,
} as const;

/** Launch arguments as the hosting glue resolves them: the launch.json fields plus the settings-derived options. */
export interface GradlensLaunchRequestArguments extends DebugProtocol.LaunchRequestArguments, LaunchArguments {
  /** Filled by resolveDebugConfiguration from the user's settings. */
  startOptions?: StartOptions;
}

const STOP_REASONS = { anomaly: 'exception', breakpoint: 'breakpoint', step: 'step', pause: 'pause', entry: 'entry' };

export class GradlensDebugSession extends DebugSession {
  private readonly vars: VariablesTree;
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  /** DAP frame id -> index in the current stop's frames. */
  private frameIds = new Map<number, number>();

  constructor(private readonly runtime: TrainingRuntime) {
    super();
    this.vars = new VariablesTree(runtime);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    runtime.on('stopped', (s) => this.onStopped(s));
    runtime.on('continued', () => this.sendEvent(new ContinuedEvent(THREAD_ID, true)));
    runtime.on('output', (o) => this.onOutput(o));
    runtime.on('breakpoint', (b) => this.sendEvent(new BreakpointEvent('changed', this.toDapBreakpoint(b))));
    runtime.on('ended', () => this.sendEvent(new TerminatedEvent()));
  }

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    _args: DebugProtocol.InitializeRequestArguments,
  ): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      supportsTerminateRequest: true,
      supportsSetVariable: true,
      supportsEvaluateForHovers: false,
      // Time travel (docs/time-travel.md): Step Back and Reverse Continue restore a snapshot and replay to the step.
      supportsStepBack: true,
      exceptionBreakpointFilters: ANOMALY_FILTERS.map((f) => ({
        filter: f.kind,
        label: f.label,
        default: f.default,
        supportsCondition: f.kind !== 'nonFinite',
        conditionDescription: f.conditionDescription,
      })),
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configurationDone();
    this.sendResponse(response);
  }

  protected override async launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: GradlensLaunchRequestArguments,
  ): Promise<void> {
    try {
      if (!args.program) throw new Error('The launch configuration has no "program" (the model file to train).');
      const program = path.resolve(args.program);
      // Spawning the engine takes a moment: do it while VS Code is still sending breakpoints.
      await this.runtime.launch(program);
      await this.configured;
      await this.runtime.start({ ...args.startOptions, ...launchOverrides(args), modelFile: program });
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: DapErrorIds.launchFailed, format: errorText(e), showUser: true });
      this.sendEvent(new TerminatedEvent());
    }
  }

  protected override async setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): Promise<void> {
    const breakpoints = new Map<AnomalyKind, AnomalyBreakpoint>();
    const results: DebugProtocol.Breakpoint[] = [];
    for (const filter of args.filters) {
      breakpoints.set(filter as AnomalyKind, { kind: filter as AnomalyKind });
      results.push({ verified: true });
    }
    for (const option of args.filterOptions ?? []) {
      const bp: AnomalyBreakpoint = { kind: option.filterId as AnomalyKind };
      let verified = true;
      let message: string | undefined;
      if (option.condition?.trim()) {
        const threshold = Number(option.condition.trim());
        if (Number.isFinite(threshold)) bp.threshold = threshold;
        else {
          verified = false;
          message = `The condition of "${ANOMALY_TITLES[bp.kind]}" is its threshold, a number (got "${option.condition}").`;
        }
      }
      breakpoints.set(bp.kind, bp);
      results.push({ verified, message });
    }
    try {
      await this.runtime.setAnomalyBreakpoints([...breakpoints.values()]);
      response.body = { breakpoints: results };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: DapErrorIds.setExceptionBreakpointsFailed, format: errorText(e), showUser: false });
    }
  }

  protected override async setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): Promise<void> {
    const file = args.source.path;
    if (!file) {
      response.body = { breakpoints: (args.breakpoints ?? []).map(() => ({ verified: false })) };
      this.sendResponse(response);
      return;
    }
    try {
      const states = await this.runtime.setLayerBreakpoints(
        file,
        (args.breakpoints ?? []).map((b) => ({
          line: b.line,
          condition: b.condition,
          hitCondition: b.hitCondition,
          logMessage: b.logMessage,
        })),
      );
      response.body = { breakpoints: states.map((s) => this.toDapBreakpoint(s, file)) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: DapErrorIds.setBreakpointsFailed, format: errorText(e), showUser: false });
    }
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'Training')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    const frames = this.runtime.stopInfo?.frames ?? [];
    const start = args.startFrame ?? 0;
    const count = args.levels ? args.levels : frames.length;
    response.body = {
      stackFrames: frames.slice(start, start + count).map((f, i) => {
        const id = start + i + 1;
        this.frameIds.set(id, start + i);
        const frame = new StackFrame(id, f.name);
        if (f.source) {
          frame.source = new Source(path.basename(f.source.file), f.source.file);
          frame.line = f.source.line;
          frame.column = f.source.column;
        }
        return frame;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const index = this.frameIds.get(args.frameId);
    const frame = index !== undefined ? this.runtime.stopInfo?.frames[index] : undefined;
    response.body = { scopes: this.vars.scopes(frame?.layerId) };
    this.sendResponse(response);
  }

  protected override async variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): Promise<void> {
    try {
      response.body = { variables: await this.vars.children(args) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: DapErrorIds.variablesFailed, format: errorText(e), showUser: false });
    }
  }

  protected override async setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): Promise<void> {
    const kind = this.vars.kindOf(args.variablesReference);
    const lr = Number(args.value);
    if ((kind === 'optimizer' || kind === 'metrics') && args.name === 'lr' && Number.isFinite(lr) && lr >= 0) {
      try {
        await this.runtime.setLearningRate(lr);
        response.body = { value: String(lr) };
        this.sendResponse(response);
      } catch (e) {
        this.sendErrorResponse(response, { id: DapErrorIds.setLearningRateFailed, format: errorText(e), showUser: true });
      }
      return;
    }
    this.sendErrorResponse(response, {
      id: DapErrorIds.onlyLearningRateSettable,
      format: 'Only the learning rate (lr) can be changed, to a number >= 0.',
      showUser: true,
    });
  }

  protected override async evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): Promise<void> {
    try {
      const lr = parseLearningRateAssignment(args.expression);
      const action = parseTimeTravelCommand(args.expression);
      if (lr !== undefined) {
        await this.runtime.setLearningRate(lr);
        response.body = { result: `learning rate set to ${lr}`, variablesReference: 0 };
      } else if (action) {
        let result: string;
        if (action.kind === 'scaleLearningRate') {
          await this.runtime.scaleLearningRate(action.factor);
          result = `learning rate x${action.factor} from this step, continuing`;
        } else if (action.kind === 'skipBatch') {
          await this.runtime.skipBatch();
          result = 'skipping this batch and continuing';
        } else {
          await this.runtime.traceStep();
          result = 'replaying this step traced, then continuing';
        }
        response.body = { result, variablesReference: 0 };
      } else {
        const r = await this.runtime.evaluate(args.expression);
        response.body = {
          result: r.tensor ? `${r.result}  ${tensorSummaryText(r.tensor)}` : r.result,
          variablesReference: r.tensor
            ? this.vars.summaryRef(r.tensor, args.expression)
            : 0,
        };
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: DapErrorIds.evaluateFailed, format: errorText(e), showUser: false });
    }
  }

  protected override exceptionInfoRequest(
    response: DebugProtocol.ExceptionInfoResponse,
    _args: DebugProtocol.ExceptionInfoArguments,
  ): void {
    const stop = this.runtime.stopInfo;
    const a = stop?.anomaly;
    response.body = {
      exceptionId: a ? ANOMALY_TITLES[a.kind] : (stop?.reason ?? 'none'),
      description: stop?.description ?? a?.message,
      breakMode: 'always',
      details: a
        ? {
            message: a.message,
            typeName: a.rule.id,
            evaluateName: a.layer ? `layers[${JSON.stringify(a.layer.id)}]` : undefined,
            stackTrace: a.hint ? `Try: ${a.hint}` : undefined,
          }
        : undefined,
    };
    this.sendResponse(response);
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.pause());
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    response.body = { allThreadsContinued: true };
    await this.runtimeCall(response, () => this.runtime.resume());
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.stepBatch());
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.stepLayer());
  }

  protected override async stepBackRequest(response: DebugProtocol.StepBackResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.stepBack());
  }

  protected override async reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.reverseContinue());
  }

  /** Step out of a layer: finish the batch. */
  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.stepBatch());
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.runtimeCall(response, () => this.runtime.terminate());
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.runtime.terminate().catch(() => undefined); // already gone: nothing left to stop
    this.sendResponse(response);
  }

  private async runtimeCall(response: DebugProtocol.Response, call: () => Promise<void>): Promise<void> {
    try {
      await call();
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: DapErrorIds.runtimeCallFailed, format: errorText(e), showUser: false });
    }
  }

  private onStopped(s: StopInfo): void {
    this.vars.reset();
    this.frameIds.clear();
    const event = new StoppedEvent(STOP_REASONS[s.reason], THREAD_ID, s.anomaly ? s.description : undefined);
    const body = event.body as DebugProtocol.StoppedEvent['body'];
    body.description = s.description;
    body.allThreadsStopped = true;
    if (s.hitBreakpointIds?.length) body.hitBreakpointIds = s.hitBreakpointIds;
    this.sendEvent(event);
  }

  private onOutput(o: RuntimeOutput): void {
    const event = new OutputEvent(o.text.endsWith('\n') ? o.text : o.text + '\n', o.category);
    if (o.source) {
      const body = event.body as DebugProtocol.OutputEvent['body'];
      body.source = new Source(path.basename(o.source.file), o.source.file);
      body.line = o.source.line;
      body.column = o.source.column;
    }
    this.sendEvent(event);
  }

  private toDapBreakpoint(b: BreakpointState, file?: string): DebugProtocol.Breakpoint {
    return {
      id: b.id,
      verified: b.verified,
      line: b.line,
      message: b.message,
      ...(file ? { source: new Source(path.basename(file), file) } : {}),
    };
  }

}

/** `lr = 0.01`, `lr 0.01` or `learning_rate = 1e-3` in the Debug Console sets the learning rate. */
export function parseLearningRateAssignment(expression: string): number | undefined {
  const m = /^\s*(?:lr|learning_rate)\s*(?:=|\s)\s*([0-9.eE+-]+)\s*;?\s*$/.exec(expression);
  if (!m) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * The Debug Console's time-travel commands: `skip` (skip this batch and continue), `halve` (halve the learning rate
 * and continue), `lr *= 0.1` / `lr /= 2` (scale it and continue), `trace` (replay this step traced). Anything else
 * is an expression.
 */
export function parseTimeTravelCommand(expression: string): { kind: 'skipBatch' | 'traceStep' } | { kind: 'scaleLearningRate'; factor: number } | undefined {
  const e = expression.trim().replace(/;$/, '').trim();
  if (/^skip(\s+(this\s+)?batch)?$/i.test(e)) return { kind: 'skipBatch' };
  if (/^trace(\s+(this\s+)?step)?$/i.test(e)) return { kind: 'traceStep' };
  if (/^halve(\s+(the\s+)?(lr|learning[ _]rate))?$/i.test(e)) return { kind: 'scaleLearningRate', factor: 0.5 };
  const m = /^(?:lr|learning_rate)\s*([*/])=\s*([0-9.eE+-]+)$/.exec(e);
  if (!m) return undefined;
  const v = Number(m[2]);
  const factor = m[1] === '*' ? v : 1 / v;
  return Number.isFinite(factor) && factor > 0 ? { kind: 'scaleLearningRate', factor } : undefined;
}

function launchOverrides(args: GradlensLaunchRequestArguments): Partial<StartOptions> {
  const o: Partial<StartOptions> = {};
  if (args.maxSteps) o.maxSteps = args.maxSteps;
  if (args.epochs) o.epochs = args.epochs;
  if (args.seed !== undefined) o.seed = args.seed;
  if (args.backend) o.backend = args.backend;
  if (args.histogramEvery) o.histogramEvery = args.histogramEvery;
  if (args.stopOnEntry) o.stopOnEntry = true;
  return o;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
