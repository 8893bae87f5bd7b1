// What the extension needs from a running engine: the shape of host/engine-client.ts's EngineClient, as an
// interface so the debug runtime and the run state can be driven by anything that speaks the protocol
// (the real child process in the product and the e2e, an in-memory engine in unit tests).
import type { CommandBody, ResponseOf } from '../../protocol/commands';
import type { EngineMessage, StartOptions } from '../../protocol/messages';

export type { CommandBody } from '../../protocol/commands';

export interface EngineConnection {
  start(options: StartOptions): Promise<void>;
  /** Sends a command; resolves with its typed response body (protocol/commands.ts). */
  request<C extends CommandBody>(cmd: C): Promise<ResponseOf<C['type']>>;
  onMessage(listener: (msg: EngineMessage) => void): () => void;
  stop(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts an engine child ready to train `modelFile` (not started yet: the caller sends `start`). */
export type EngineLauncher = (modelFile: string) => Promise<EngineConnection>;
