// The types the protocol's JSON Schema (protocol.schema.json beside this file) is generated from, by
// scripts/protocol-schema.ts (`npm run schema`). Every message of every direction is reachable from here; an engine
// in another language holds to the generated file, and the host validates what it did not produce against it.
import type { EngineMessage, HostCommand, HostToWebview, ResponseBodies, WebviewToHost } from '../messages';

export interface ProtocolSchemaRoot {
  /** Engine -> host; also each line of a run record. */
  engineMessage: EngineMessage;
  /** Host -> engine. */
  hostCommand: HostCommand;
  /** For each command, the body of its successful `response`. */
  responseBodies: ResponseBodies;
  webviewToHost: WebviewToHost;
  hostToWebview: HostToWebview;
}
