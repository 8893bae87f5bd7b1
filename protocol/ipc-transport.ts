// Transport over Node's child-process IPC channel, for either end: the host wraps the ChildProcess, the engine
// child wraps its own `process`. pending() counts messages handed to send() whose callback has not run yet,
// which is the backlog the Outbox coalesces against.
import type { ChildProcess } from 'node:child_process';
import type { Transport } from './transport';

type IpcEnd = ChildProcess | NodeJS.Process;
type SendFn = (message: unknown, callback: (error: Error | null) => void) => boolean;

export class IpcTransport<Out, In> implements Transport<Out, In> {
  private inFlight = 0;

  constructor(private readonly end: IpcEnd) {}

  send(message: Out): boolean {
    const send = this.end.send as SendFn | undefined;
    if (!send || !this.end.connected) return false;
    this.inFlight++;
    try {
      return send.call(this.end, message, () => {
        this.inFlight--;
      });
    } catch {
      this.inFlight--;
      return false;
    }
  }

  onMessage(listener: (message: In) => void): () => void {
    const l = (m: unknown): void => listener(m as In);
    this.end.on('message', l);
    return () => {
      this.end.off('message', l);
    };
  }

  onClose(listener: () => void): () => void {
    this.end.on('disconnect', listener);
    return () => {
      this.end.off('disconnect', listener);
    };
  }

  pending(): number {
    return this.inFlight;
  }

  close(): void {
    if (this.end.connected) this.end.disconnect?.call(this.end);
  }
}

/**
 * An engine process's last act: exit with `code` once the IPC channel has handed over what is queued (at most
 * `maxMs`), or at once when the host is gone. Both engines (the TypeScript child and the Python bridge) end this way.
 */
export function exitWhenSent(transport: Pick<IpcTransport<unknown, unknown>, 'pending'>, code: number, maxMs = 2000): void {
  const deadline = Date.now() + maxMs;
  const tick = (): void => {
    if (transport.pending() === 0 || Date.now() > deadline || !process.connected) process.exit(code);
    else setTimeout(tick, 5);
  };
  tick();
}
