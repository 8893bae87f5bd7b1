// A minimal DAP client for the adapter tests: talks to a DebugSession over in-memory streams with the real
// Content-Length framing (the same bytes VS Code would exchange with an adapter process), and lets a test wait
// for responses and events.
import { PassThrough } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugSession } from '@vscode/debugadapter';

type Message = DebugProtocol.Response | DebugProtocol.Event;

export class DapClient {
  private readonly toAdapter = new PassThrough();
  private readonly fromAdapter = new PassThrough();
  private buffer = Buffer.alloc(0);
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  /** Every event received, in order. */
  readonly events: DebugProtocol.Event[] = [];
  /** Events no waiter has taken yet: waitForEvent looks here first, so no event is missed by a late wait. */
  private unclaimed: DebugProtocol.Event[] = [];
  private waiters: { match: (e: DebugProtocol.Event) => boolean; resolve: (e: DebugProtocol.Event) => void }[] = [];

  constructor(session: DebugSession) {
    session.start(this.toAdapter, this.fromAdapter);
    this.fromAdapter.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  request<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    return new Promise<R>((resolve) => {
      this.pending.set(seq, resolve as (r: DebugProtocol.Response) => void);
      this.toAdapter.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    });
  }

  /** Like request, but fails the test on an error response. */
  async ok<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const r = await this.request<R>(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message} ${JSON.stringify(r.body)}`);
    return r;
  }

  /**
   * The first event named `event` (and matching `where`), or named one of `orEvents`, not yet taken by an earlier
   * wait.
   */
  waitForEvent<E extends DebugProtocol.Event = DebugProtocol.Event>(
    event: string,
    timeoutMs = 60_000,
    where: (e: E) => boolean = () => true,
    orEvents: string[] = [],
  ): Promise<E> {
    const matches = (e: DebugProtocol.Event) => (e.event === event && where(e as E)) || orEvents.includes(e.event);
    const early = this.unclaimed.findIndex(matches);
    if (early >= 0) return Promise.resolve(this.unclaimed.splice(early, 1)[0] as E);
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms; got: ${this.events.map((e) => e.event).join(', ')}`)), timeoutMs);
      this.waiters.push({
        match: matches,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as E);
        },
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const sep = this.buffer.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, sep).toString());
      if (!m) throw new Error('bad DAP header');
      const len = Number(m[1]);
      if (this.buffer.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buffer.subarray(sep + 4, sep + 4 + len).toString()) as Message;
      this.buffer = this.buffer.subarray(sep + 4 + len);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: Message): void {
    if (msg.type === 'response') {
      const r = msg as DebugProtocol.Response;
      this.pending.get(r.request_seq)?.(r);
      this.pending.delete(r.request_seq);
      return;
    }
    const e = msg as DebugProtocol.Event;
    this.events.push(e);
    const i = this.waiters.findIndex((w) => w.match(e));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w.resolve(e);
    } else {
      this.unclaimed.push(e);
    }
  }
}
