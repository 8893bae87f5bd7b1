// The host's client of an engine: any engine that speaks protocol/ over any Transport (the forked TypeScript child's
// IPC today, see launch.ts; a local socket for another engine; an in-memory pair in tests). It waits for the hello,
// correlates requests with responses (typed by protocol/commands.ts's request map), hands every EngineMessage to
// listeners in order, and turns an unexpected end of the engine (crash, OOM, kill, closed transport) into a clean
// one: a synthetic `error` and `finished`, also appended to the run record. It knows nothing of processes or VS Code.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandBody, ResponseOf } from '../protocol/commands';
import { ErrorIds } from '../protocol/error-ids';
import type { EngineMessage, EngineMessageOf, ErrorInfo, HostCommand, StartOptions } from '../protocol/messages';
import { PROTOCOL_VERSION } from '../protocol/messages';
import { checkEngineMessage, checkResponseBody } from '../protocol/validate';
import type { Transport } from '../protocol/transport';

/** An Error carrying the engine's ErrorInfo (request failures). */
export class EngineError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'EngineError';
  }
}

export interface EngineExit {
  code: number | null;
  signal: string | null;
}

/**
 * What the client knows of the engine besides its messages: how it ends and how to end it. A forked child
 * (launch.ts) gives its pid, exit and stderr; an engine reached only through a transport ends when the transport
 * closes (memoryPeer).
 */
export interface EnginePeer {
  readonly pid: number;
  /** Resolves once, when the engine is gone. */
  readonly exited: Promise<EngineExit>;
  /** True while the engine is still there. */
  alive(): boolean;
  /** Ends the engine at once. */
  kill(): void;
  /** What to tell the user when the engine ended without a `finished` (a crash, running out of memory). */
  describeCrash(exit: EngineExit): ErrorInfo;
}

export interface ConnectOptions {
  /** Workspace folder: run records go to <cwd>/.gradlens/runs/ unless options.recordDir; relative model paths. */
  cwd: string;
  /** How long to wait for the engine's hello. */
  helloTimeoutMs?: number;
  /** How long `stop()` waits for the engine to end before killing it. */
  stopGraceMs?: number;
  /**
   * Checks each incoming message, and each response body against its command's, with the protocol's JSON Schema
   * (protocol/validate.ts), for an engine not written in TypeScript: a message that fails is replaced by an `error`
   * naming the message and the field (a failing response rejects its request with it). Off for our own child.
   */
  validate?: boolean;
}

const HELLO_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2_000;

/** The peer of an engine reached only through a transport (in memory, a socket): it is gone when that closes. */
export function transportPeer(transport: Transport<unknown, unknown>): EnginePeer {
  let open = true;
  let done!: (e: EngineExit) => void;
  const exited = new Promise<EngineExit>((resolve) => (done = resolve));
  transport.onClose(() => {
    open = false;
    done({ code: 0, signal: null });
  });
  return {
    pid: -1,
    exited,
    alive: () => open,
    kill: () => transport.close(),
    describeCrash: () => ({
      id: ErrorIds.processCrashed,
      message: 'The engine closed its connection before the run finished.',
      showUser: true,
      hint: 'The run record keeps everything up to this point.',
    }),
  };
}

export class EngineClient {
  private seq = 1;
  private readonly pendingRequests = new Map<number, { type: CommandBody['type']; resolve: (body: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(msg: EngineMessage) => void>();
  private finished = false;
  private record: string | null = null;
  /** The last step the engine reported and when the client first heard from the run: a crash's end says how far it got. */
  private lastStep = -1;
  private readonly connectedAt = performance.now();
  private resolveRecord!: (p: string) => void;
  private rejectRecord!: (e: Error) => void;
  readonly recordPath: Promise<string>;
  readonly exited: Promise<EngineExit>;
  readonly pid: number;
  /** The engine's handshake (it arrives before connect() resolves, so before any listener can see it). */
  hello!: EngineMessageOf<'hello'>;

  private constructor(
    private readonly transport: Transport<HostCommand, unknown>,
    private readonly peer: EnginePeer,
    private readonly options: ConnectOptions,
  ) {
    this.pid = peer.pid;
    this.recordPath = new Promise<string>((resolve, reject) => {
      this.resolveRecord = resolve;
      this.rejectRecord = reject;
    });
    // Nobody may ever ask for the record path (a run that fails to bundle); do not crash on the rejection.
    this.recordPath.catch(() => undefined);
    this.exited = peer.exited.then((exit) => {
      this.onExit(exit);
      return exit;
    });
    this.transport.onMessage((raw) => this.onRaw(raw));
  }

  /**
   * A client over `transport`, resolved after the engine's hello (rejected if the engine ends or stays silent, or
   * speaks another protocol version).
   */
  static connect(
    transport: Transport<HostCommand, unknown>,
    peer: EnginePeer,
    options: ConnectOptions,
  ): Promise<EngineClient> {
    const client = new EngineClient(transport, peer, options);
    const timeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
    return new Promise<EngineClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        peer.kill();
        reject(new Error(`The engine process did not say hello within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const off = client.onMessage((msg) => {
        if (msg.type !== 'hello') return;
        clearTimeout(timer);
        off();
        client.hello = msg;
        if (msg.protocolVersion !== PROTOCOL_VERSION) {
          peer.kill();
          reject(new Error(`Engine protocol ${msg.protocolVersion} does not match the host's ${PROTOCOL_VERSION}: rebuild Gradlens`));
          return;
        }
        resolve(client);
      });
      void client.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`The engine process exited before its hello (code ${exit.code}, signal ${exit.signal}): ${peer.describeCrash(exit).stack ?? ''}`.trim()));
      });
    });
  }

  /** Sends `start` (record folder defaulted to <cwd>/.gradlens/runs) and resolves on its response. */
  async start(options: StartOptions): Promise<void> {
    const opts: StartOptions = {
      ...options,
      modelFile: path.resolve(this.options.cwd, options.modelFile),
      recordDir: options.recordDir ?? path.join(this.options.cwd, '.gradlens', 'runs'),
    };
    const body = await this.request({ type: 'start', options: opts });
    // The record exists from here on, even if the model then fails to bundle or build.
    if (body?.recordPath) this.setRecord(body.recordPath);
  }

  private setRecord(p: string): void {
    if (this.record) return;
    this.record = p;
    this.resolveRecord(p);
  }

  /** Sends a command and resolves with its typed response body (rejects with an EngineError). */
  request<C extends CommandBody>(cmd: C): Promise<ResponseOf<C['type']>> {
    const seq = this.seq++;
    return new Promise<ResponseOf<C['type']>>((resolve, reject) => {
      if (this.finished && cmd.type !== 'stop') {
        reject(new EngineError({ id: ErrorIds.notRunning, message: 'The engine process has ended', showUser: false }));
        return;
      }
      this.pendingRequests.set(seq, { type: cmd.type, resolve: resolve as (b: unknown) => void, reject });
      if (!this.transport.send({ ...cmd, seq })) {
        this.pendingRequests.delete(seq);
        reject(new EngineError({ id: ErrorIds.notRunning, message: 'The engine process is not connected', showUser: false }));
      }
    });
  }

  onMessage(listener: (msg: EngineMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the engine to stop; kills it if it has not ended within the grace period (a model stuck in a loop). */
  async stop(): Promise<void> {
    if (!this.peer.alive()) return;
    this.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.peer.kill(), this.options.stopGraceMs ?? STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the engine at once (the host is shutting down). */
  kill(): void {
    this.peer.kill();
  }

  /** A message that did not come over the transport but belongs in the stream (a line the child printed). */
  deliver(msg: EngineMessage): void {
    this.emit(msg);
  }

  private onRaw(raw: unknown): void {
    if (!this.options.validate) return this.onEngineMessage(raw as EngineMessage);
    const checked = checkEngineMessage(raw);
    // A message type this host does not know is ignored, as the protocol says (a newer engine's addition).
    if (!checked.ok && checked.unknownType) return;
    let problem = checked.ok ? undefined : checked.error;
    if (checked.ok && checked.value.type === 'response' && checked.value.success) {
      const pending = this.pendingRequests.get(checked.value.request_seq);
      const body = pending ? checkResponseBody(pending.type, checked.value.body) : undefined;
      if (body && !body.ok) problem = body.error;
    }
    if (checked.ok && problem === undefined) return this.onEngineMessage(checked.value);
    // A malformed message is reported, not applied; a malformed response still settles its request.
    const error: ErrorInfo = { id: ErrorIds.invalidMessage, message: `The engine sent an invalid ${problem}`, showUser: true, hint: 'The engine does not follow protocol/schema/protocol.schema.json.' };
    const seq = responseSeq(raw);
    const pending = seq !== undefined ? this.pendingRequests.get(seq) : undefined;
    if (seq !== undefined && pending) {
      this.pendingRequests.delete(seq);
      pending.reject(new EngineError(error));
    }
    this.emit({ type: 'error', error });
  }

  private onEngineMessage(msg: EngineMessage): void {
    if (msg.type === 'runStarted' && msg.recordPath) this.setRecord(msg.recordPath);
    if (msg.type === 'finished') this.finished = true;
    if (msg.type === 'step') this.lastStep = msg.step;
    if (msg.type === 'response') {
      const p = this.pendingRequests.get(msg.request_seq);
      if (p) {
        this.pendingRequests.delete(msg.request_seq);
        if (msg.success) p.resolve(msg.body);
        else p.reject(new EngineError(msg.error ?? { id: ErrorIds.requestFailed, message: 'Request failed', showUser: false }));
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

  private onExit(exit: EngineExit): void {
    const gone = new EngineError({ id: ErrorIds.notRunning, message: 'The engine process has ended', showUser: false });
    for (const p of this.pendingRequests.values()) p.reject(gone);
    this.pendingRequests.clear();
    if (!this.record) this.rejectRecord(new Error('The run never started'));
    if (this.finished) return;
    // The engine ended without saying goodbye: tell every consumer, and the record, how it ended.
    const msgs: EngineMessage[] = [
      { type: 'error', error: this.peer.describeCrash(exit) },
      // `finished.step` counts the steps done, as the engine's own does; -1 still means none.
      { type: 'finished', reason: 'error', step: this.lastStep < 0 ? -1 : this.lastStep + 1, durationMs: performance.now() - this.connectedAt },
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

function responseSeq(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as { type?: unknown; request_seq?: unknown };
  return r.type === 'response' && typeof r.request_seq === 'number' ? r.request_seq : undefined;
}
