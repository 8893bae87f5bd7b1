// The request map of the protocol: for each host command, the body of its successful response. The engine answers
// `{ type: 'response', request_seq, success: true, body }`; the host's client resolves request(cmd) with the body
// typed from this map, so no caller casts what an engine sends back.
import type {
  DetectorThresholds,
  EvaluateResult,
  HostCommand,
  HostCommandType,
  TensorSummary,
  VariablesResult,
} from './messages';

export interface ResponseBodies {
  /** The engine opened its run record (it exists from here on, even if the model then fails to bundle). */
  start: { recordPath?: string } | undefined;
  pause: undefined;
  resume: undefined;
  step: undefined;
  stop: undefined;
  setBreakpoints: undefined;
  /** The thresholds now in force. */
  setThresholds: DetectorThresholds;
  /** The learning rate now in force. */
  setLearningRate: { lr: number };
  inspect: TensorSummary;
  evaluate: EvaluateResult;
  variables: VariablesResult;
}

/** The response body of command type T. */
export type ResponseOf<T extends HostCommandType> = ResponseBodies[T];

/** A host command without its `seq` (the client numbers requests itself). */
export type CommandBody = HostCommand extends infer C ? (C extends HostCommand ? Omit<C, 'seq'> : never) : never;

/** The command of type T, without its seq. */
export type CommandOf<T extends HostCommandType> = Extract<CommandBody, { type: T }>;
