// A scripted engine on the far end of an in-memory transport, for host tests that need no process: it says hello,
// answers each command with the handler given for its type (or an empty success; a handler that throws
// fails the request), and lets the test send any
// message. Not a fake of the product's path: the host code under test is the real EngineClient.
import { createMemoryTransportPair, type Transport } from '../../protocol/transport';
import { PROTOCOL_VERSION, type EngineMessage, type HostCommand } from '../../protocol/messages';
import { EngineClient, transportPeer, type ConnectOptions } from '../../host/engine-client';

export type CommandHandler = (cmd: HostCommand, engine: MemoryEngine) => unknown;

export class MemoryEngine {
  readonly received: HostCommand[] = [];
  constructor(
    readonly end: Transport<unknown, HostCommand>,
    private readonly handlers: Partial<Record<HostCommand['type'], CommandHandler>>,
  ) {
    end.onMessage((cmd) => {
      this.received.push(cmd);
      const handler = this.handlers[cmd.type];
      let body: unknown;
      try {
        body = handler ? handler(cmd, this) : undefined;
      } catch (err) {
        // A handler that throws answers as a failing engine does.
        this.send({ type: 'response', request_seq: cmd.seq, success: false, error: { id: 'requestFailed', message: (err as Error).message, showUser: false } });
        return;
      }
      this.send({ type: 'response', request_seq: cmd.seq, success: true, ...(body !== undefined ? { body } : {}) });
    });
  }

  /** Sends a message as the engine (any value: a test may send what no TypeScript engine would). */
  send(message: EngineMessage | Record<string, unknown>): void {
    this.end.send(message);
  }

  hello(version = PROTOCOL_VERSION): void {
    this.send({ type: 'hello', protocolVersion: version, engine: 'memory', version: '0', capabilities: ['pause'], pid: 1 });
  }

  /** Ends the engine (its side of the transport closes, as a dying process's channel does). */
  close(): void {
    this.end.close();
  }
}

/** An EngineClient connected to a MemoryEngine that has said hello. */
export async function connectMemoryEngine(
  handlers: Partial<Record<HostCommand['type'], CommandHandler>> = {},
  options: Partial<ConnectOptions> = {},
): Promise<{ client: EngineClient; engine: MemoryEngine }> {
  const [hostEnd, engineEnd] = createMemoryTransportPair<HostCommand, unknown>();
  const engine = new MemoryEngine(engineEnd, handlers);
  const connecting = EngineClient.connect(hostEnd, transportPeer(hostEnd), { cwd: '/', stopGraceMs: 50, ...options });
  engine.hello();
  return { client: await connecting, engine };
}
