// What the extension needs from a running engine: the shape of engine/process/client.ts's EngineClient, as an
// interface so the debug runtime and the run state can be driven by anything that speaks the protocol
// (the real child process in the product and the e2e, a recorded run when a .jsonl is opened).
import type { EngineMessage, HostCommand, StartOptions } from '../../protocol/messages';

/** A host command without its `seq` (the connection numbers requests itself). */
export type CommandBody = HostCommand extends infer C ? (C extends HostCommand ? Omit<C, 'seq'> : never) : never;

export interface EngineConnection {
  start(options: StartOptions): Promise<void>;
  request<T = unknown>(cmd: CommandBody): Promise<T>;
  onMessage(listener: (msg: EngineMessage) => void): () => void;
  stop(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts an engine child ready to train `modelFile` (not started yet: the caller sends `start`). */
export type EngineLauncher = (modelFile: string) => Promise<EngineConnection>;
