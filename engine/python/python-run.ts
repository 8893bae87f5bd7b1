// One PyTorch run, on one process or on the ranks of a torch.distributed job on this machine: starts the ranks,
// relays global rank 0's messages (its statistics are the job's: gradients are all-reduced before the optimizer
// step, so every rank holds the same; the loss shown is rank 0's), runs the TypeScript engine's Monitor over its
// samples (one detector implementation for every engine), and decides the anomaly breakpoints. A rank that gates
// (breakpoints or a pause asked for) sends its step and waits before the optimizer step for a verdict; every rank
// gets the same verdict for the same step, so a stop is collective. One error or crash of any rank ends the run.
import { createServer } from 'node:net';
import path from 'node:path';
import type { Anomaly, AnomalyBreakpoint, AnomalyKind, DetectorThresholds, EngineMessage, ErrorInfo, FrameInfo, HostCommand, PauseReason, SourceLocation, StartOptions } from '../../protocol/messages';
import type { LayerMeta, NonFiniteEvent, StepSample } from '../monitor/detector';
import { MAIN_THRESHOLD, Monitor } from '../monitor/monitor';
import { LogLimiter } from '../process/log-limiter';
import { DEFAULT_PYTHON, distributedEnv, ranksOf, type PythonLaunch, type RankSpec } from './launch-config';
import { RankProcess } from './rank-process';

/** A rank that does not end within this after `stop` (stuck in a collective or in native code) is killed. */
const STOP_GRACE_MS = 1000;
const RELAYED = new Set(['runStarted', 'graph', 'step', 'layerStats', 'histograms', 'epoch', 'log']);

interface Rank {
  spec: RankSpec;
  proc: RankProcess;
  finish?: { reason: 'completed' | 'stopped' | 'error'; step: number };
  stderrTail: string[];
}

export class PythonRun {
  private ranks: Rank[] = [];
  private readonly monitor: Monitor;
  private readonly breakOn = new Map<AnomalyKind, number | undefined>();
  private layers: LayerMeta[] = [];
  private pending: StepSample | undefined;
  /** Where the script called optimizer.step() on the last step (rank 0's report). */
  private stepAt: SourceLocation | undefined;
  /** The step whose verdict is held back while paused. */
  private held: number | null = null;
  private pauseWanted: 'pause' | 'step' | null = null;
  private gateOn: boolean;
  /** Whether this launcher runs global rank 0, whose steps decide the verdicts. */
  private decides = true;
  private stopping = false;
  private failed = false;
  private lastStep = -1;
  private readonly t0 = performance.now();
  private killTimer: NodeJS.Timeout | undefined;
  /**
   * The script's output, bounded as a TypeScript model's is (engine/process/log-limiter.ts: 100 lines a second,
   * then a line saying how many were left out): stdout to the bridge's stdout (the host shows it as the script's),
   * stderr as `warn` log messages.
   */
  private readonly stdout = new LogLimiter((m) => process.stdout.write(m.message + '\n'));
  private readonly stderr = new LogLimiter((m) => this.emit(m));
  private endResolve!: () => void;
  /** Resolves once every rank has ended and `finished` was emitted. */
  readonly ended = new Promise<void>((resolve) => (this.endResolve = resolve));

  constructor(
    private readonly emit: (msg: EngineMessage) => void,
    private readonly options: StartOptions,
    private readonly launch: PythonLaunch,
    private readonly cwd: string,
    private readonly recordPath: string,
    /** The folder holding the runner package (python/ beside dist/). */
    private readonly runnerPath: string,
  ) {
    this.monitor = new Monitor(options.thresholds);
    this.setAnomalies(options.breakOn ?? []);
    this.gateOn = this.breakOn.size > 0 || options.stopOnEntry === true;
    if (options.stopOnEntry) this.pauseWanted = 'pause';
  }

  async start(): Promise<void> {
    const specs = ranksOf(this.launch);
    const worldSize = specs[0].worldSize;
    // Another machine's launcher (--node-rank above 0) holds no global rank 0: no statistics, nothing to decide a
    // stop on, so its ranks never wait (node 0's launcher shows the run; docs/pytorch.md).
    this.decides = specs.some((s) => s.rank === 0);
    if (!this.decides) this.gateOn = false;
    const port = worldSize > 1 ? (this.launch.masterPort ?? (await freePort())) : 0;
    const th = this.monitor.current;
    for (const spec of specs) {
      const runner = {
        msgFd: 3,
        cmdFd: 4,
        gate: this.gateOn,
        maxSteps: this.options.maxSteps,
        histogramEvery: this.options.histogramEvery ?? 50,
        tanhSaturation: th.tanhSaturation,
        sigmoidLow: th.sigmoidLow,
        sigmoidHigh: th.sigmoidHigh,
        rank: spec.rank,
        worldSize,
      };
      const env: NodeJS.ProcessEnv = { ...process.env, ...distributedEnv(this.launch, spec, port) };
      delete env.NODE_CHANNEL_FD;
      delete env.NODE_CHANNEL_SERIALIZATION_MODE;
      env.PYTHONPATH = [this.runnerPath, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
      // The script's prints reach the viewer as they happen, as in a terminal (a pipe would buffer them).
      env.PYTHONUNBUFFERED = '1';
      // As torchrun does: several ranks on one machine each get one compute thread unless the user said otherwise.
      if (worldSize > 1 && !env.OMP_NUM_THREADS) env.OMP_NUM_THREADS = '1';
      env.GRADLENS_RUNNER = JSON.stringify(runner);
      const rank: Rank = { spec, stderrTail: [], proc: undefined as unknown as RankProcess };
      rank.proc = new RankProcess({
        python: this.launch.python ?? DEFAULT_PYTHON,
        args: ['-m', 'gradlens.run', path.resolve(this.options.modelFile), ...(this.launch.args ?? [])],
        cwd: this.cwd,
        env,
        onMessage: (msg) => this.onMessage(rank, msg),
        // The script's own output, whole lines, on the bridge's stdout: the host shows it as the script's (launch.ts).
        onStdout: (line) => this.stdout.log('info', line),
        onStderr: (line) => this.onStderr(rank, line),
      });
      this.ranks.push(rank);
    }
    void Promise.all(this.ranks.map((r) => r.proc.exited.then(() => this.onExit(r)))).then(() => this.finish());
  }

  private get multi(): boolean {
    return this.ranks.length > 1 || (this.ranks[0]?.spec.worldSize ?? 1) > 1;
  }

  private onMessage(rank: Rank, msg: Record<string, unknown>): void {
    const type = msg.type;
    if (type === 'error') {
      const error = msg.error as ErrorInfo;
      // The first error is the run's; what other ranks say afterwards (a peer closed the collective) follows from it.
      if (this.stopping || this.failed) this.emit({ type: 'log', level: 'warn', message: `after the run's end: ${error.message}` });
      else {
        this.failed = true;
        this.emit({ type: 'error', error });
        this.stopAll();
      }
      return;
    }
    if (type === 'finished') {
      rank.finish = { reason: msg.reason as 'completed' | 'stopped' | 'error', step: Number(msg.step) };
      return;
    }
    if (rank.spec.rank !== 0) return;
    if (type === '_end') return this.endOfStep(msg);
    // The answer to a debugger request (variables, evaluate, inspect, setLearningRate) forwarded to rank 0.
    if (type === 'response') return this.emit(msg as unknown as EngineMessage);
    if (typeof type !== 'string' || !RELAYED.has(type)) return;
    const m = msg as unknown as EngineMessage;
    switch (m.type) {
      case 'runStarted':
        this.emit({ ...m, recordPath: this.recordPath });
        return;
      case 'graph':
        this.layers = m.graph.layers.map((l) => ({ id: l.id, name: l.name, type: l.type, ...(l.source ? { source: l.source } : {}) }));
        break;
      case 'step': {
        this.lastStep = m.step;
        this.stdout.tick();
        this.stderr.tick();
        const loss: unknown = m.loss;
        // JSON carries a NaN or infinite loss as null: the detectors see the NaN it was.
        this.pending = { step: m.step, epoch: m.epoch, loss: typeof loss === 'number' ? loss : NaN, lr: m.lr, layers: this.layers };
        break;
      }
      case 'layerStats':
        if (this.pending && this.pending.step === m.step) this.pending.stats = m.layers;
        break;
    }
    this.emit(m);
  }

  /** Rank 0 has sent all of a step's messages: detect, then give the ranks their verdict if they wait for one. */
  private endOfStep(msg: Record<string, unknown>): void {
    const step = Number(msg.step);
    const sample = this.pending;
    this.pending = undefined;
    let anomalies: Anomaly[] = [];
    if (sample && sample.step === step) {
      if (msg.nonFinite && typeof msg.nonFinite === 'object') sample.nonFinite = msg.nonFinite as NonFiniteEvent;
      anomalies = this.monitor.observe(sample);
      for (const a of anomalies) this.emit({ type: 'anomaly', anomaly: a });
    }
    this.stepAt = sourceOf(msg.at);
    if (msg.gate !== true && !this.gateOn) return;
    if (this.stopping) return this.verdict(step, 'stop');
    const stopOn = anomalies.find((a) => this.breakOn.has(a.kind));
    if (stopOn) return this.pauseAt(step, 'anomaly', stopOn.message, stopOn);
    if (this.pauseWanted) return this.pauseAt(step, this.pauseWanted, this.pauseWanted === 'step' ? `Stepped to step ${step}` : `Paused before the optimizer step of step ${step}`);
    this.verdict(step, 'continue');
  }

  private pauseAt(step: number, reason: PauseReason, description: string, anomaly?: Anomaly): void {
    this.held = step;
    this.pauseWanted = null;
    // The stop is in the script's optimizer.step() call (its line, when the runner found it), above the model's layers
    // at the lines that built them, as the TypeScript engine's frames are.
    const frames: FrameInfo[] = [{ id: 1, name: `optimizer.step() (step ${step})`, ...(this.stepAt ? { source: this.stepAt } : {}) }];
    for (const l of this.layers) frames.push({ id: frames.length + 1, name: `${l.name} (${l.id})`, layerId: l.id, ...(l.source ? { source: l.source } : {}) });
    this.emit({ type: 'paused', step, reason, description, frames, ...(anomaly ? { anomaly } : {}) });
  }

  private verdict(step: number, action: 'continue' | 'stop'): void {
    for (const r of this.ranks) r.proc.send({ type: 'verdict', step, action });
  }

  private ensureGate(): void {
    if (this.gateOn || !this.decides) return;
    this.gateOn = true;
    for (const r of this.ranks) r.proc.send({ type: 'config', gate: true });
  }

  // --- commands ---------------------------------------------------------------------------------------------
  resume(): void {
    if (this.held === null) {
      this.pauseWanted = null;
      return;
    }
    const step = this.held;
    this.held = null;
    this.emit({ type: 'resumed', step });
    this.verdict(step, 'continue');
  }

  pause(): void {
    if (this.held !== null) return;
    this.pauseWanted = 'pause';
    this.ensureGate();
  }

  stepOnce(): void {
    this.ensureGate();
    if (this.held === null) this.pauseWanted = 'step';
    else {
      this.resume();
      this.pauseWanted = 'step';
    }
  }

  stop(): void {
    this.stopAll();
  }

  /**
   * A request global rank 0 answers itself (variables, evaluate, inspect, setLearningRate): it reads commands at each
   * optimizer step and while paused, and answers with the request's seq. False when this launcher has no rank 0.
   */
  forward(cmd: HostCommand): boolean {
    const lead = this.ranks.find((r) => r.spec.rank === 0);
    if (!lead || lead.proc.exit) return false;
    lead.proc.send(cmd as unknown as Record<string, unknown>);
    return true;
  }

  setAnomalies(list: readonly AnomalyBreakpoint[]): void {
    this.breakOn.clear();
    for (const b of list) {
      this.breakOn.set(b.kind, b.threshold);
      const key = MAIN_THRESHOLD[b.kind];
      if (key && b.threshold !== undefined) this.monitor.setThresholds({ [key]: b.threshold });
    }
    if (this.breakOn.size > 0 && this.ranks.length > 0) this.ensureGate();
  }

  setThresholds(t: Partial<DetectorThresholds>): DetectorThresholds {
    this.monitor.setThresholds(t);
    return this.monitor.current;
  }

  /** Ends every rank at once (the bridge is going away). */
  kill(): void {
    for (const r of this.ranks) r.proc.kill();
  }

  private stopAll(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.held !== null) this.verdict(this.held, 'stop');
    this.held = null;
    for (const r of this.ranks) r.proc.send({ type: 'stop' });
    this.killTimer = setTimeout(() => this.kill(), STOP_GRACE_MS);
    this.killTimer.unref();
  }

  // --- the end ----------------------------------------------------------------------------------------------
  private onStderr(rank: Rank, line: string): void {
    rank.stderrTail.push(line);
    if (rank.stderrTail.length > 8) rank.stderrTail.shift();
    this.stderr.log('warn', this.multi ? `[rank ${rank.spec.rank}] ${line}` : line);
  }

  private onExit(rank: Rank): void {
    const exit = rank.proc.exit;
    if (rank.finish || this.stopping || this.failed || !exit) return;
    if (exit.code === 0) {
      rank.finish = { reason: 'completed', step: this.lastStep + 1 };
      return;
    }
    this.failed = true;
    const who = this.multi ? `Rank ${rank.spec.rank} (pid ${rank.proc.pid})` : `The Python process (pid ${rank.proc.pid})`;
    this.emit({
      type: 'error',
      error: {
        id: 'processCrashed',
        message: `${who} ended unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}).`,
        showUser: true,
        hint: 'The run record keeps everything up to this point; the Python output above says why.',
        stack: rank.stderrTail.join('\n') || undefined,
      },
    });
    this.stopAll();
  }

  private finish(): void {
    clearTimeout(this.killTimer);
    this.stdout.flush();
    this.stderr.flush();
    const lead = this.ranks.find((r) => r.spec.rank === 0) ?? this.ranks[0];
    const reason = this.failed ? 'error' : this.stopping ? 'stopped' : (lead?.finish?.reason ?? 'completed');
    this.emit({ type: 'finished', reason, step: lead?.finish?.step ?? this.lastStep + 1, durationMs: performance.now() - this.t0 });
    this.endResolve();
  }
}

/** A free TCP port on the loopback interface for the job's rendezvous (MASTER_PORT). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A source location as rank 0 reports it ({ file, line }), or undefined for anything else. */
function sourceOf(v: unknown): SourceLocation | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { file, line } = v as { file?: unknown; line?: unknown };
  return typeof file === 'string' && Number.isInteger(line) && (line as number) > 0 ? { file, line: line as number, column: 1 } : undefined;
}
