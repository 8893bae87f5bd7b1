// The request map of the protocol (ResponseBodies in messages.ts): for each host command, the body of its successful
// response. The engine answers
// `{ type: 'response', request_seq, success: true, body }`; the host's client resolves request(cmd) with the body
// typed from this map, so no caller casts what an engine sends back.
import type { HostCommand, HostCommandType, ResponseBodies } from './messages';

export type { ResponseBodies } from './messages';

/** The response body of command type T. */
export type ResponseOf<T extends HostCommandType> = ResponseBodies[T];

/** A host command without its `seq` (the client numbers requests itself). */
export type CommandBody = HostCommand extends infer C ? (C extends HostCommand ? Omit<C, 'seq'> : never) : never;

/** The command of type T, without its seq. */
export type CommandOf<T extends HostCommandType> = Extract<CommandBody, { type: T }>;
