// The host side of the engine process (used by the extension host and the CLI; knows nothing of VS Code).
// Forks dist/engine-child.js, waits for its hello, correlates requests with responses, hands every
// EngineMessage to listeners in order, and turns an unexpected death of the child (crash, OOM, kill) into a
// clean end: a synthetic `error` and `finished`, also appended to the run record.
import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { EngineMessage, EngineMessageOf, ErrorInfo, HostCommand, StartOptions } from '../../protocol/messages';
import { PROTOCOL_VERSION } from '../../protocol/messages';
import type { Transport } from '../../protocol/transport';
import { IpcTransport } from './ipc-transport';

type CommandBody = HostCommand extends infer C ? (C extends HostCommand ? Omit<C, 'seq'> : never) : never;

export interface EngineClientOptions {
  /** Absolute path of dist/engine-child.js. */
  childPath: string;
  /** Workspace folder: run records go to <cwd>/.gradlens/runs/ unless options.recordDir. */
  cwd: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** An Error carrying the engine's ErrorInfo (request failures). */
export class EngineError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'EngineError';
  }
}

const HELLO_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2_000;

/**
 * V8 flags the engine child runs with.
 * - Node 20 and 21 ship relaxed SIMD behind a flag; with it the wasm backend uses fused multiply-add (measured about
 *   +35% GEMM throughput). Later Node versions have it on by default.
 * - When the engine's compute threads fill every core (its wasm backend runs two on two cores), garbage collection
 *   runs on the thread that needs it (`--single-threaded-gc`): V8's concurrent marking and sweeping threads could
 *   only run by preempting a compute thread, and a two-thread kernel then waits for the preempted half. Measured on
 *   2 cores (2-thread steps, alternating runs): the pooled CNN's median step 9.5 -> 6.2 ms, the LSTM's 32-44 -> 28-34
 *   ms, the MLP unchanged (it rarely collects). With a core to spare the background threads are better: one-thread
 *   128x128 matmuls (a fresh 64 KB result each) read 27-30 GFLOP/s with the flag against 32-36 without.
 */
export function engineFlags(nodeVersion = process.versions.node, cores = availableParallelism(), computeThreads = Math.min(2, cores)): string[] {
  const major = Number(nodeVersion.split('.')[0]);
  return [...(major === 20 || major === 21 ? ['--experimental-wasm-relaxed-simd'] : []), ...(computeThreads >= cores ? ['--single-threaded-gc'] : [])];
}

export class EngineClient {
  private seq = 1;
  private readonly pendingRequests = new Map<number, { resolve: (body: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(msg: EngineMessage) => void>();
  private finished = false;
  private record: string | null = null;
  private stderrTail = '';
  private resolveRecord!: (p: string) => void;
  private rejectRecord!: (e: Error) => void;
  readonly recordPath: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  readonly pid: number;
  /** The child's handshake (it arrives before launch() resolves, so before any listener can see it). */
  hello!: EngineMessageOf<'hello'>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly transport: Transport<HostCommand, EngineMessage>,
    private readonly cwd: string,
  ) {
    this.pid = child.pid ?? -1;
    this.recordPath = new Promise<string>((resolve, reject) => {
      this.resolveRecord = resolve;
      this.rejectRecord = reject;
    });
    // Nobody may ever ask for the record path (a run that fails to bundle); do not crash on the rejection.
    this.recordPath.catch(() => undefined);
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-8192);
      if (process.env.GRADLENS_CHILD_STDERR === 'inherit') process.stderr.write(chunk);
    });
    // What the model file prints (console.log in a forward, say) reaches the host as `log` messages, line by line.
    let pending = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.emit({ type: 'log', level: 'info', message: line });
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.onExit(code, signal);
        resolve({ code, signal });
      });
    });
    this.transport.onMessage((msg) => this.onEngineMessage(msg));
  }

  /** Forks the child and resolves after its `hello` (rejects if it dies or stays silent). */
  static launch(opts: EngineClientOptions): Promise<EngineClient> {
    const child = fork(opts.childPath, [], {
      cwd: opts.cwd,
      execArgv: [...engineFlags(), ...(opts.execArgv ?? [])],
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const client = new EngineClient(child, new IpcTransport<HostCommand, EngineMessage>(child), opts.cwd);
    return new Promise<EngineClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`The engine process did not say hello within ${HELLO_TIMEOUT_MS / 1000} s`));
      }, HELLO_TIMEOUT_MS);
      const off = client.onMessage((msg) => {
        if (msg.type !== 'hello') return;
        clearTimeout(timer);
        off();
        client.hello = msg;
        if (msg.protocolVersion !== PROTOCOL_VERSION) {
          child.kill('SIGKILL');
          reject(new Error(`Engine protocol ${msg.protocolVersion} does not match the host's ${PROTOCOL_VERSION}: rebuild Gradlens`));
          return;
        }
        resolve(client);
      });
      void client.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`The engine process exited before its hello (code ${code}, signal ${signal}): ${client.stderrTail.trim()}`));
      });
    });
  }

  /** Sends `start` (record folder defaulted to <cwd>/.gradlens/runs) and resolves on its response. */
  async start(options: StartOptions): Promise<void> {
    const opts: StartOptions = {
      ...options,
      modelFile: path.resolve(this.cwd, options.modelFile),
      recordDir: options.recordDir ?? path.join(this.cwd, '.gradlens', 'runs'),
    };
    const body = await this.request<{ recordPath?: string } | undefined>({ type: 'start', options: opts });
    // The record exists from here on, even if the model then fails to bundle or build.
    if (body?.recordPath) this.setRecord(body.recordPath);
  }

  private setRecord(p: string): void {
    if (this.record) return;
    this.record = p;
    this.resolveRecord(p);
  }

  request<T = unknown>(cmd: CommandBody): Promise<T> {
    const seq = this.seq++;
    return new Promise<T>((resolve, reject) => {
      if (this.finished && cmd.type !== 'stop') {
        reject(new EngineError({ id: 'notRunning', message: 'The engine process has ended', showUser: false }));
        return;
      }
      this.pendingRequests.set(seq, { resolve: resolve as (b: unknown) => void, reject });
      if (!this.transport.send({ ...cmd, seq } as HostCommand)) {
        this.pendingRequests.delete(seq);
        reject(new EngineError({ id: 'notRunning', message: 'The engine process is not connected', showUser: false }));
      }
    });
  }

  onMessage(listener: (msg: EngineMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the engine to stop; SIGKILLs it if it has not exited within 2 s (a model stuck in a loop). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the child at once (the host is shutting down). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  private onEngineMessage(msg: EngineMessage): void {
    if (msg.type === 'runStarted' && msg.recordPath) this.setRecord(msg.recordPath);
    if (msg.type === 'finished') this.finished = true;
    if (msg.type === 'response') {
      const p = this.pendingRequests.get(msg.request_seq);
      if (p) {
        this.pendingRequests.delete(msg.request_seq);
        if (msg.success) p.resolve(msg.body);
        else p.reject(new EngineError(msg.error ?? { id: 'requestFailed', message: 'Request failed', showUser: false }));
      }
    }
    this.emit(msg);
  }

  private emit(msg: EngineMessage): void {
    for (const l of [...this.listeners]) {
      try {
        l(msg);
      } catch (err) {
        // A failing consumer must not stop the others from seeing the message.
        console.error('gradlens: a message listener threw', err);
      }
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const gone = new EngineError({ id: 'notRunning', message: 'The engine process has ended', showUser: false });
    for (const p of this.pendingRequests.values()) p.reject(gone);
    this.pendingRequests.clear();
    if (!this.record) this.rejectRecord(new Error('The run never started'));
    if (this.finished) return;
    // The child died without saying goodbye: tell every consumer, and the record, how it ended.
    const oom = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY/i.test(this.stderrTail);
    const tail = this.stderrTail.trim().split('\n').slice(-6).join('\n');
    const error: ErrorInfo = oom
      ? {
          id: 'outOfMemory',
          message: `The engine process ran out of memory (exit ${signal ?? code}).`,
          showUser: true,
          hint: 'Use a smaller batch size, a smaller model or fewer samples (data.mnist({ train: ... })).',
          stack: tail || undefined,
        }
      : {
          id: 'processCrashed',
          message: `The engine process ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
          showUser: true,
          hint: 'The run record keeps everything up to this point. If the model file calls process.exit or native code, remove it.',
          stack: tail || undefined,
        };
    const msgs: EngineMessage[] = [
      { type: 'error', error },
      { type: 'finished', reason: 'error', step: -1, durationMs: 0 },
    ];
    this.finished = true;
    for (const m of msgs) {
      if (this.record) {
        try {
          appendFileSync(this.record, JSON.stringify(m) + '\n');
        } catch {
          // The record folder may be gone; the listeners still hear about the crash.
        }
      }
      this.emit(m);
    }
  }
}
