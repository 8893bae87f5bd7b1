// gradlens.log({ name: value }): the user's own metrics (a validation loss or accuracy computed in their loop),
// shown in the loss panel beside the built-in series. The values are checked here, at the user's call, so a mistake
// is a TypeError at their line rather than a malformed message later; where they go is the sink the running session
// installs (it adds the step and epoch and sends a `metrics` message). Without a sink (a script run by plain node),
// log() still checks its argument and then does nothing.
import { Tensor } from './tensor';

/** Receives each log() call's values, already checked and converted to numbers (NaN and ±Infinity kept). */
export type LogSink = (values: Record<string, number>) => void;

let sink: LogSink | null = null;

/** Installs (or, with null, removes) where log() sends its values; the session calls this, not user code. */
export function setLogSink(next: LogSink | null): void {
  sink = next;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as { constructor?: { name?: string } }).constructor?.name === 'Object' ? 'an object' : `a ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return typeof v;
}

/**
 * Logs named numbers at the current training step: `gradlens.log({ val_loss: 0.31, val_acc: correct / total })`.
 * Each value is a number (NaN and ±Infinity are shown as gaps, as non-finite losses are) or a one-element tensor
 * (its .item()). Names are non-empty strings; a name logged again later extends the same series.
 */
export function log(values: Readonly<Record<string, number | Tensor>>): void {
  if (values === null || typeof values !== 'object' || Array.isArray(values) || values instanceof Tensor) {
    throw new TypeError(`gradlens.log() expects an object of named numbers, e.g. gradlens.log({ val_loss: 0.31 }); got ${describe(values)}`);
  }
  const out: Record<string, number> = {};
  const names = Object.keys(values);
  if (names.length === 0) throw new TypeError('gradlens.log() got an empty object; pass at least one named number, e.g. gradlens.log({ val_acc: 0.92 })');
  for (const name of names) {
    if (name.trim() === '') throw new TypeError('gradlens.log(): a metric name is empty; name each value, e.g. gradlens.log({ val_loss: 0.31 })');
    const v: unknown = values[name];
    if (typeof v === 'number') {
      out[name] = v;
    } else if (v instanceof Tensor) {
      if (v.numel() !== 1) {
        throw new TypeError(`gradlens.log(): '${name}' is a tensor of shape [${v.shape.join(', ')}]; log one number (a 0-d tensor, or reduce it first: .mean() or .item())`);
      }
      out[name] = v.item();
    } else {
      throw new TypeError(`gradlens.log(): '${name}' must be a number or a one-element tensor; got ${describe(v)}`);
    }
  }
  sink?.(out);
}
