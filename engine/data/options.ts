// Option checking shared by every source. Mistakes in a model file's data options (a typo in a key, a fraction of
// 20 instead of 0.2) are reported when the source is created, before any training starts.
import { DataError } from './errors';

/** Fills defaults and rejects keys the source does not know, naming the ones it does. */
export function withDefaults<T extends object>(source: string, defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults };
  if (given === undefined) return out;
  if (typeof given !== 'object' || given === null) throw new DataError(source, `options must be an object, got ${typeof given}`);
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) {
      throw new DataError(source, `unknown option '${key}'; known options: ${Object.keys(defaults).join(', ')}`);
    }
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export function checkInt(source: string, name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new DataError(source, `option '${name}' must be an integer ${range}, got ${String(v)}`);
  }
  return v;
}

export function checkNumber(source: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new DataError(source, `option '${name}' must be a number ${range}, got ${String(v)}`);
  }
  return v;
}

/** testFraction: a fraction in [0, 1) of the samples held out for testing. */
export function checkFraction(source: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new DataError(source, `option '${name}' must be a fraction in [0, 1) (e.g. 0.2), got ${String(v)}`);
  }
  return v;
}

export function checkBool(source: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new DataError(source, `option '${name}' must be true or false, got ${String(v)}`);
  return v;
}

export function checkOneOf<T extends string>(source: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new DataError(source, `option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
