// Ids of the errors the host itself reports in ErrorInfo.id (the engine's own ids, such as "shapeMismatch", are
// named where the engine raises them). A consumer that reacts to one compares against these, never a literal.
export const ErrorIds = {
  /** A request to an engine that has ended or is not connected. */
  notRunning: 'notRunning',
  /** The engine answered a request with success: false and no error of its own. */
  requestFailed: 'requestFailed',
  /** The engine ended without a `finished` message. */
  processCrashed: 'processCrashed',
  /** The engine ran out of memory. */
  outOfMemory: 'outOfMemory',
  /** A message (from a run record or a non-TypeScript engine) does not match the protocol's schema. */
  invalidMessage: 'invalidMessage',
  /** A run record or an engine speaks a newer protocol than this host. */
  newerProtocol: 'newerProtocol',
} as const;

export type ErrorId = (typeof ErrorIds)[keyof typeof ErrorIds];
