// Turns anything thrown while loading or training a model into one protocol ErrorInfo: an id, a message that
// starts with the user's file:line, that location, and what to do.
import type { ErrorInfo, SourceLocation } from '../../protocol/messages';
import { formatLocation } from '../../protocol/messages';
import { ModelLoadError, userLocation } from './load-model';
import { ModelBundleError } from './bundle-model';
import { TrainingError } from '../train/errors';

/** Thrown in place of process.exit()/abort() called by the model file, so the caller's line is known. */
export class ModelExitError extends Error {
  constructor(
    readonly call: string,
    readonly code: number | undefined,
  ) {
    super(`The model file called ${call}(${code ?? ''})`);
    this.name = 'ModelExitError';
  }
}

function prefixed(loc: SourceLocation | undefined, message: string): string {
  return loc && !message.startsWith(loc.file) ? `${formatLocation(loc)}: ${message}` : message;
}

export function toErrorInfo(err: unknown, modelFile: string, fallback: SourceLocation): ErrorInfo {
  if (err instanceof TrainingError || err instanceof ModelLoadError || err instanceof ModelBundleError) return err.info;
  const e = err instanceof Error ? err : new Error(String(err));
  const loc = userLocation(e, modelFile);
  if (e instanceof ModelExitError) {
    return {
      id: 'processExit',
      message: prefixed(loc ?? fallback, `${e.message}: the engine cannot continue`),
      showUser: true,
      location: loc ?? fallback,
      hint: 'Remove the process.exit/abort call from the model file; the run ends when training ends.',
      stack: e.stack,
    };
  }
  if (e.name === 'ShapeError') {
    const layerLoc = (e as Error & { layer?: { source?: SourceLocation } }).layer?.source;
    const where = layerLoc ?? loc ?? fallback;
    return {
      id: 'shapeMismatch',
      message: prefixed(where, e.message),
      showUser: true,
      location: where,
      hint: 'Make the layer sizes agree: the expected and actual shapes above say which dimension differs (e.g. in_features of the next nn.Linear).',
      stack: e.stack,
    };
  }
  if (e.name === 'DefinitionError') {
    return { id: 'badDefinition', message: prefixed(fallback, e.message), showUser: true, location: fallback, hint: 'Fix the defineTraining({...}) options.', stack: e.stack };
  }
  if (e.name === 'DataError') {
    const where = loc ?? fallback;
    return { id: 'dataError', message: prefixed(where, e.message), showUser: true, location: where, hint: 'Check the data options (file, columns, target).', stack: e.stack };
  }
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    return { id: 'stackOverflow', message: prefixed(loc ?? fallback, e.message), showUser: true, location: loc ?? fallback, hint: 'A forward() probably calls itself (e.g. this(x) or model(x) inside forward).', stack: e.stack };
  }
  const where = loc ?? fallback;
  return {
    id: 'trainingFailed',
    message: prefixed(where, `${e.name}: ${e.message}`),
    showUser: true,
    location: where,
    hint: 'The model file threw this error during training; the stack trace points into your code.',
    stack: e.stack,
  };
}
