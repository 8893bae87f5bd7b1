// The one protocol shared by the engine (child process), the extension host, the webview and the CLI.
// Every message is plain JSON (no classes, no typed arrays) so that a Python hook can speak it too; the
// schema is documented in docs/protocol.md. Bump PROTOCOL_VERSION on any incompatible change. Over 350 lines on
// purpose: every message of every direction in one file, read as one by implementers and by the schema generator.

export const PROTOCOL_VERSION = 1;

export interface SourceLocation {
  /** Absolute path of the user's file. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export type AnomalyKind =
  | 'vanishingGradient'
  | 'explodingGradient'
  | 'deadRelu'
  | 'saturation'
  | 'nonFinite'
  | 'lossSpike'
  | 'lossPlateau'
  | 'oscillation'
  | 'updateRatio';

export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  'vanishingGradient',
  'explodingGradient',
  'deadRelu',
  'saturation',
  'nonFinite',
  'lossSpike',
  'lossPlateau',
  'oscillation',
  'updateRatio',
];

export type BackendName = 'cpu' | 'wasm' | 'gpujs';

// ---------------------------------------------------------------------------------------------
// Model graph
// ---------------------------------------------------------------------------------------------

export interface ParamInfo {
  name: string;
  shape: number[];
}

export interface LayerInfo {
  /** Stable id within a run, e.g. "0", "3.conv1" (the module path). */
  id: string;
  /** Human-readable name, e.g. "Linear(784, 256)". */
  name: string;
  /** Module class name, e.g. "Linear". */
  type: string;
  /** Id of the containing module, absent for the root's direct children. */
  parent?: string;
  /** Shapes seen on the first forward pass (batch dimension included). */
  inputShape?: number[];
  outputShape?: number[];
  /** Parameters owned directly by this module. */
  params: ParamInfo[];
  paramCount: number;
  /** Where the user constructed the module. */
  source?: SourceLocation;
}

export interface ModelGraph {
  layers: LayerInfo[];
  totalParams: number;
}

// ---------------------------------------------------------------------------------------------
// Telemetry
// ---------------------------------------------------------------------------------------------

export interface Histogram {
  min: number;
  max: number;
  /** Equal-width bins between min and max. */
  counts: number[];
}

export interface ActivationStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Fraction of exactly-zero outputs. */
  zeroFrac: number;
  /** Fraction of outputs in the saturated range of the layer's nonlinearity (0 when not applicable). */
  satFrac: number;
  nonFinite: number;
}

export interface LayerStats {
  id: string;
  /** L2 norm of all parameter gradients of the layer (absent for parameter-free layers). */
  gradNorm?: number;
  /** Mean |grad| over the layer's parameters. */
  gradMeanAbs?: number;
  /** Fraction of exactly-zero parameter gradients. */
  gradZeroFrac?: number;
  weightNorm?: number;
  /** ||lr * update|| / ||w|| for the last optimizer step. */
  updateRatio?: number;
  act?: ActivationStats;
  /** L2 norm of the gradient flowing into the layer's output (for parameter-free layers too). */
  outGradNorm?: number;
}

export interface LayerHistograms {
  id: string;
  activation?: Histogram;
  gradient?: Histogram;
}

export interface DetectorRule {
  /** Stable id, e.g. "autotrainer.vanishing". */
  id: string;
  /** One sentence a user can read. */
  description: string;
  thresholds: Record<string, number>;
  /** Where the rule comes from (paper or tool), see docs/detectors.md. */
  source: string;
}

export interface LayerRef {
  id: string;
  name: string;
  source?: SourceLocation;
}

export interface Anomaly {
  kind: AnomalyKind;
  step: number;
  epoch: number;
  layer?: LayerRef;
  rule: DetectorRule;
  evidence: Record<string, number | string>;
  /** One line, e.g. "Loss spike at step 1234: 4.71 is 6.2x the running mean". */
  message: string;
  /** What to try, e.g. "Lower the learning rate or clip gradients". */
  hint: string;
  /** For nonFinite: the op that first produced the value and the pass. */
  op?: string;
  phase?: 'forward' | 'backward' | 'loss' | 'data' | 'update';
}

export interface Metrics {
  loss: number;
  accuracy?: number;
}

/** Thresholds of every detector; all are user settings (gradlens.detectors.*). */
export interface DetectorThresholds {
  vanishingRatio: number;
  vanishingFirstNorm: number;
  vanishingMeanAbs: number;
  explodingRatio: number;
  explodingNorm: number;
  deadZeroGradFrac: number;
  deadUnitActiveFrac: number;
  deadLayerFrac: number;
  tanhSaturation: number;
  sigmoidLow: number;
  sigmoidHigh: number;
  saturationFrac: number;
  updateRatioLow: number;
  updateRatioHigh: number;
  lossSpikeRatio: number;
  lossSpikeWindow: number;
  lossSpikeSigma: number;
  plateauWindow: number;
  plateauRelTol: number;
  oscillationWindow: number;
  oscillationFrac: number;
  /** Steps to wait before the loss-trend detectors judge (the warm-up is noisy by nature). */
  warmupSteps: number;
  /** Consecutive steps a layer-level rule must hold before it fires (one noisy batch is not a diagnosis). */
  patience: number;
}

// ---------------------------------------------------------------------------------------------
// Engine -> host
// ---------------------------------------------------------------------------------------------

export interface RunConfig {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: string;
  lr: number;
  backend: BackendName | 'auto';
  trainSize: number;
  valSize: number;
  histogramEvery: number;
}

export interface ErrorInfo {
  /** Stable error id, e.g. "shapeMismatch", "syntaxError", "noDefaultExport". */
  id: string;
  message: string;
  showUser: boolean;
  location?: SourceLocation;
  /** What to do about it. */
  hint?: string;
  /** Stack with frames mapped to the user's source. */
  stack?: string;
}

export interface FrameInfo {
  /** Frame id, stable while paused. */
  id: number;
  name: string;
  layerId?: string;
  source?: SourceLocation;
}

export type PauseReason = 'pause' | 'step' | 'anomaly' | 'breakpoint' | 'entry';

/** What an engine can do, announced in its hello (a host hides what the engine lacks). */
export type Capability =
  | 'pause'
  | 'step.batch'
  | 'step.layer'
  | 'breakpoints.anomaly'
  | 'breakpoints.layer'
  | 'logpoints'
  | 'inspect'
  | 'evaluate'
  | 'variables'
  | 'setLearningRate'
  | 'setThresholds'
  | 'histograms'
  | 'record.jsonl'
  /** Snapshots and going back: stepBack, reverseContinue, skipBatch, scaleLearningRate (docs/time-travel.md). */
  | 'stepBack'
  /** StartOptions.recover: rolling back past an anomaly unattended. */
  | 'recover';

/** What moved the run in time (a `timeTravel` message), so the record, the report and the panel can mark it. */
export type TimeTravelKind = 'stepBack' | 'reverseContinue' | 'skipBatch' | 'scaleLearningRate' | 'recover' | 'traceStep';

/** One op's output in a traced step: its statistics over the finite values, and how many were not finite. */
export interface OpTraceEntry {
  op: string;
  phase: 'forward' | 'backward';
  /** The layer the op ran in (its module path), when inside one. */
  layerId?: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  nonFinite: number;
}

/** A layer's parameter-gradient norm on each step of a traced replay (the steps from the snapshot to the traced one). */
export interface LayerGradTrace {
  layerId: string;
  name: string;
  norms: Array<{ step: number; norm: number }>;
}

/**
 * A step replayed with every op traced (the traceStep command): the op outputs in execution order, the first
 * non-finite one, and each layer's gradient norm over the replayed steps with the first layer whose norm jumped.
 */
export interface StepTrace {
  step: number;
  ops: OpTraceEntry[];
  /** Ops beyond the cap, left out of `ops`. */
  opsLeftOut: number;
  /** Index in `ops` of the first op whose output had a NaN or Inf. */
  firstNonFinite?: number;
  /** The loss of each replayed step, the traced one last. */
  losses: Array<{ step: number; loss: number }>;
  gradNorms: LayerGradTrace[];
  /** Layers whose gradient norm rose above `ratio` x its median over the earlier replayed steps, earliest first. */
  gradJumps: Array<{ layerId: string; name: string; step: number; ratio: number }>;
}

/** A batch by its place in the data: the epoch and its index in that epoch's order. */
export interface BatchPosition {
  epoch: number;
  batch: number;
}

/**
 * The run went back to a snapshot (and replayed silently to `toStep`), left batches out, or changed its learning
 * rate. Step messages that follow with a step number already recorded replace those: they are the run's new branch.
 */
export interface TimeTravelEvent {
  kind: TimeTravelKind;
  /** The step the run was at. */
  fromStep: number;
  /** The step the run goes on from (the next step message's number). */
  toStep: number;
  /** The snapshot put back: the step it was taken before (absent when nothing was restored). */
  snapshotStep?: number;
  /** Batches left out from here on. */
  skipped?: BatchPosition[];
  /** scaleLearningRate: the factor applied to every group's learning rate. */
  lrFactor?: number;
  /** recover: the anomaly rolled back from. */
  anomaly?: AnomalyKind;
  /** Snapshots kept and their memory (what time travel costs this run). */
  snapshots?: { count: number; bytes: number; every: number; depth: number };
  /** One line for the Debug Console, the CLI and the report. */
  message: string;
}

export type EngineMessage =
  | { type: 'hello'; protocolVersion: number; engine: string; version: string; capabilities: Capability[]; pid: number }
  | {
      type: 'runStarted';
      runId: string;
      modelFile: string;
      startedAt: string;
      config: RunConfig;
      /** Absolute path of the JSONL run record this run is written to. */
      recordPath?: string;
    }
  | { type: 'graph'; graph: ModelGraph }
  | { type: 'kernels'; backends: Record<string, BackendName> }
  | {
      type: 'step';
      step: number;
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      loss: number;
      lr: number;
      samplesPerSec: number;
      stepMs: number;
    }
  | { type: 'layerStats'; step: number; layers: LayerStats[] }
  | { type: 'histograms'; step: number; layers: LayerHistograms[] }
  | { type: 'anomaly'; anomaly: Anomaly }
  | { type: 'epoch'; epoch: number; step: number; train: Metrics; val?: Metrics; durationMs: number }
  /**
   * The user's own metrics, one gradlens.log({ name: value }) call, at the training step it was made in (and the
   * epoch, where known). Names are the user's; non-finite values travel as null, as losses do.
   */
  | { type: 'metrics'; step: number; epoch?: number; values: Record<string, number> }
  | {
      type: 'paused';
      step: number;
      reason: PauseReason;
      description: string;
      anomaly?: Anomaly;
      frames: FrameInfo[];
    }
  | { type: 'resumed'; step: number }
  | { type: 'timeTravel'; event: TimeTravelEvent }
  /** The traced replay of a step (after a traceStep command), sent when the traced step has run. */
  | { type: 'stepTrace'; trace: StepTrace }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; source?: SourceLocation }
  | { type: 'error'; error: ErrorInfo }
  | { type: 'finished'; reason: 'completed' | 'stopped' | 'error'; step: number; durationMs: number }
  /**
   * The answer to a HostCommand: `body` is ResponseBodies[the command's type]. Only the request knows which
   * command it answers, so the host's client types (and, for an engine not written in TypeScript, validates) the
   * body when it settles the request.
   */
  | { type: 'response'; request_seq: number; success: boolean; body?: unknown; error?: ErrorInfo };

export type EngineMessageType = EngineMessage['type'];
export type EngineMessageOf<T extends EngineMessageType> = Extract<EngineMessage, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Host -> engine
// ---------------------------------------------------------------------------------------------

export interface AnomalyBreakpoint {
  kind: AnomalyKind;
  /** Overrides the detector's main threshold for stopping (e.g. lossSpikeRatio). */
  threshold?: number;
}

export interface LayerBreakpoint {
  /** Breakpoint id assigned by the host, reported back when hit. */
  id: number;
  file: string;
  line: number;
  /** Expression evaluated in the layer's scope (x, out, layer, step); stops when truthy. */
  condition?: string;
  /** e.g. "3", ">=3", "%2". */
  hitCondition?: string;
  /** A logpoint: interpolates {expr} and logs instead of stopping. */
  logMessage?: string;
}

export interface StartOptions {
  modelFile: string;
  /** Folder for the run record; default <workspace>/.gradlens/runs. */
  recordDir?: string;
  backend?: BackendName | 'auto';
  histogramEvery?: number;
  thresholds?: Partial<DetectorThresholds>;
  breakOn?: AnomalyBreakpoint[];
  layerBreakpoints?: LayerBreakpoint[];
  /** Stop before the first step (debugger "stopOnEntry"). */
  stopOnEntry?: boolean;
  /** Overrides of the model file's training definition. */
  epochs?: number;
  seed?: number;
  /** Limit of steps (batches) for quick runs and tests. */
  maxSteps?: number;
  /** Time travel's snapshots (docs/time-travel.md); false turns them (and going back) off. */
  snapshots?: { every?: number; depth?: number } | false;
  /** Anomalies that roll the run back to the last snapshot before them and skip their batches (CLI --recover). */
  recover?: AnomalyKind[];
  /** The most rollbacks `recover` makes in one run (default 5); after that anomalies are only reported. */
  maxRecoveries?: number;
}

export type InspectWhat = 'weight' | 'grad' | 'activation' | 'outGrad';

export type HostCommand =
  | { type: 'start'; seq: number; options: StartOptions }
  | { type: 'pause'; seq: number }
  | { type: 'resume'; seq: number }
  | { type: 'step'; seq: number; count: number; unit: 'batch' | 'layer' }
  | { type: 'stop'; seq: number }
  | { type: 'setBreakpoints'; seq: number; anomalies?: AnomalyBreakpoint[]; layers?: LayerBreakpoint[] }
  | { type: 'setThresholds'; seq: number; thresholds: Partial<DetectorThresholds> }
  | { type: 'setLearningRate'; seq: number; lr: number }
  | { type: 'inspect'; seq: number; layerId: string; what: InspectWhat; full?: boolean }
  | { type: 'evaluate'; seq: number; expression: string }
  /** The children of a variables-tree node while paused ('' for the roots); the body is a VariablesResult. */
  | { type: 'variables'; seq: number; ref: string }
  /** While paused: back to the start of the previous step (or of this one, once it has begun), then pause. */
  | { type: 'stepBack'; seq: number }
  /** While paused: back to the start of the step of the last anomaly or breakpoint stop, then pause. */
  | { type: 'reverseContinue'; seq: number }
  /** While paused: back to the start of this step, leave its batch out, and continue. */
  | { type: 'skipBatch'; seq: number }
  /** While paused: multiply every group's learning rate by `factor` from this step on (0.5 halves it) and continue. */
  | { type: 'scaleLearningRate'; seq: number; factor: number }
  /** While paused: back to the start of this step, replay to it, run it with every op traced (a stepTrace), go on. */
  | { type: 'traceStep'; seq: number };

export type HostCommandType = HostCommand['type'];

export interface TensorSummary {
  name: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  norm: number;
  nanCount: number;
  infCount: number;
  /** Present when full values were requested (row-major). */
  values?: number[];
}

export interface EvaluateResult {
  result: string;
  /** When the result is a tensor, its summary (so the UI can expand it). */
  tensor?: TensorSummary;
}

export interface VariableInfo {
  name: string;
  /** One-line rendering, e.g. "Tensor[256, 784] mean=... norm=..." or "0.001". */
  value: string;
  /** The value's class when it has one, e.g. "SGD", "Tensor", "Linear". */
  type?: string;
  /** A tensor's shape (the host shows it as the tensor's one-line value, as it shows a batch's tensors). */
  shape?: number[];
  /** Present when the node has children: pass it back as `variables.ref`. */
  ref?: string;
}

export interface VariablesResult {
  variables: VariableInfo[];
}

/** For each host command, the body of its successful response (the request map). */
export interface ResponseBodies {
  /** The engine opened its run record (it exists from here on, even if the model then fails to bundle). */
  start: { recordPath?: string } | undefined;
  pause: undefined;
  resume: undefined;
  step: undefined;
  stop: undefined;
  setBreakpoints: undefined;
  /** The thresholds now in force. */
  setThresholds: DetectorThresholds;
  /** The learning rate now in force. */
  setLearningRate: { lr: number };
  inspect: TensorSummary;
  evaluate: EvaluateResult;
  variables: VariablesResult;
  stepBack: undefined;
  reverseContinue: undefined;
  skipBatch: undefined;
  scaleLearningRate: undefined;
  traceStep: undefined;
}

/** Webview <-> host messages. The webview renders EngineMessages and posts these back. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'revealLayer'; layerId: string; source?: SourceLocation }
  /**
   * `train`: train the shown run's model file again (a restart while it runs). `skip` / `halve`: from a stop, skip
   * this batch or halve the learning rate, and continue (time travel).
   */
  | { type: 'control'; command: 'pause' | 'resume' | 'step' | 'stop' | 'train' | 'skip' | 'halve' }
  | { type: 'export'; format: 'png' | 'svg' | 'csv' | 'json'; name: string; data: string }
  /** "What if": re-score the shown run's record with these thresholds (the run's own for the others). */
  | { type: 'whatIf'; thresholds: Partial<DetectorThresholds> };

export type HostToWebview =
  | { type: 'reset'; runId?: string }
  | { type: 'messages'; messages: EngineMessage[] }
  | { type: 'theme'; kind: 'light' | 'dark' | 'highContrast' }
  /**
   * The answer to `whatIf`: the anomalies the detectors find over the record so far with those thresholds
   * (engine/monitor/replay.ts, the live detectors), or why there are none to show (`error`).
   */
  | { type: 'whatIf'; runId?: string; thresholds: Partial<DetectorThresholds>; steps: number; anomalies: Anomaly[]; error?: string };

export function isEngineMessage(value: unknown): value is EngineMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '<unknown>';
}
