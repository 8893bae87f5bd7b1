// Errors the trainer reports to the user: each carries the protocol ErrorInfo (id, file:line, what to do).
import type { ErrorInfo } from '../../protocol/messages';

export class TrainingError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'TrainingError';
  }
}

/** Thrown through the training code by a `stop` command; the trainer ends the run as 'stopped'. */
export class StopSignal extends Error {
  constructor() {
    super('stopped');
    this.name = 'StopSignal';
  }
}

/** Thrown through the model file when the run reached its step limit (--max-steps): the run ends as completed. */
export class StepLimitReached extends StopSignal {
  constructor() {
    super();
    this.name = 'StepLimitReached';
  }
}
