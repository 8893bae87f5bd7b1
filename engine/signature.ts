// PyTorch's calling convention for the public constructors and functions: positional arguments in PyTorch's order,
// then optionally one options object (Python's keywords). Each public name declares its signature once here, so a
// literal port such as `new nn.Conv2d(1, 16, 3, 2)` gets stride 2 as in PyTorch, and an argument that cannot be
// interpreted (wrong type, unknown key, too many positionals, a value given twice) is a TypeError naming the layer
// or function and the argument, instead of being silently ignored. The registry lets a test compare every signature
// with PyTorch's.
import { Tensor } from './tensor';

/** One parameter: what it accepts and, for the error message, what that is in words. */
export interface Param<T, R extends boolean = boolean> {
  readonly expected: string;
  readonly accepts: (v: unknown) => boolean;
  readonly required: R;
  /** A plain object in this position is the value itself, not the options object. */
  readonly takesObject?: boolean;
  /** Phantom: the TypeScript type of an accepted value. */
  readonly __type?: T;
}

export type Signature = Record<string, Param<unknown>>;
export type Bound<S extends Signature> = {
  [K in keyof S]: S[K] extends Param<infer T, true> ? T : S[K] extends Param<infer T, boolean> ? T | undefined : never;
};

/** Every declared signature by public name ('nn.Conv2d', 'F.conv2d', 'optim.SGD', ...): parameter names in order. */
export const SIGNATURES = new Map<string, { positional: readonly string[]; keywordOnly: readonly string[] }>();

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function kind<T>(expected: string, accepts: (v: unknown) => boolean, takesObject = false) {
  return {
    req: (): Param<T, true> => ({ expected, accepts, required: true, takesObject }),
    opt: (): Param<T, false> => ({ expected, accepts, required: false, takesObject }),
  };
}

/** The kinds of value a parameter takes. `.req()` for a required one, `.opt()` for one with a default. */
export const P = {
  int: kind<number>('an integer', isInt),
  num: kind<number>('a number', isNum),
  bool: kind<boolean>('a boolean', (v) => typeof v === 'boolean'),
  nullableNum: kind<number | null>('a number or null', (v) => v === null || isNum(v)),
  nullableInt: kind<number | null>('an integer or null', (v) => v === null || isInt(v)),
  intOrTuple: kind<number | readonly number[]>('an integer or an array of integers', (v) => isInt(v) || (Array.isArray(v) && v.every(isInt))),
  nullableIntOrTuple: kind<number | readonly number[] | null>(
    'an integer, an array of integers or null',
    (v) => v === null || isInt(v) || (Array.isArray(v) && v.every(isInt)),
  ),
  numOrList: kind<number | readonly number[]>('a number or an array of numbers', (v) => isNum(v) || (Array.isArray(v) && v.every(isNum))),
  numPair: kind<readonly [number, number] | readonly number[]>('an array of two numbers', (v) => Array.isArray(v) && v.length === 2 && v.every(isNum)),
  intList: kind<readonly number[]>('an array of integers', (v) => Array.isArray(v) && v.every(isInt)),
  tensor: kind<Tensor>('a Tensor', (v) => v instanceof Tensor),
  nullableTensor: kind<Tensor | null>('a Tensor or null', (v) => v === null || v instanceof Tensor),
  tensorOrNum: kind<Tensor | number>('a Tensor or a number', (v) => v instanceof Tensor || isNum(v)),
  fn: kind<(...a: never[]) => unknown>('a function', (v) => typeof v === 'function'),
  array: kind<readonly unknown[]>('an array', (v) => Array.isArray(v)),
  object: kind<object>('an object', (v) => typeof v === 'object' && v !== null, true),
  custom: <T>(expected: string, accepts: (v: unknown) => boolean) => kind<T>(expected, accepts),
  optimizer: kind<{ param_groups: unknown[] }>('an optimizer', (v) => typeof v === 'object' && v !== null && Array.isArray((v as { param_groups?: unknown }).param_groups)),
  /** Any value (checked by the callee). */
  any: kind<unknown>('a value', () => true),
  oneOf: <T extends string>(...values: readonly T[]) =>
    kind<T>(`one of ${values.map((v) => `'${v}'`).join(', ')}`, (v) => typeof v === 'string' && (values as readonly string[]).includes(v)),
  /** A parameter PyTorch has that Gradlens does not implement: only its default (or null) is accepted. */
  unsupported: <const T>(why: string, ...defaults: readonly T[]) =>
    kind<T | null>(`${[...defaults.map((d) => JSON.stringify(d)), 'null'].join(' or ')} (${why})`, (v) => v === null || defaults.includes(v as T)),
};

/** PyTorch's `device=None, dtype=None`: Gradlens computes in float32 on the CPU. */
export const deviceParam = P.unsupported('Gradlens computes on the CPU', 'cpu').opt();
export const dtypeParam = P.unsupported('Gradlens computes in float32', 'float32').opt();
/** The schedulers' `verbose`, deprecated in PyTorch: only its default. */
export const verboseParam = P.unsupported<boolean | 'deprecated'>('deprecated in PyTorch; Gradlens shows the lr in its panel', false, 'deprecated').opt();
/** PyTorch's deprecated `size_average` and `reduce`: use `reduction`. */
export const deprecatedReduce = P.unsupported("deprecated in PyTorch and not supported by Gradlens: use reduction: 'mean' | 'sum' | 'none'").opt();

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return `an array [${v.map((x) => (typeof x === 'object' ? '…' : String(x))).join(', ')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'object') return `an object {${Object.keys(v).join(', ')}}`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

/**
 * Declares `name`'s signature (its keys in PyTorch's positional order) and returns the binder its implementation calls
 * with its arguments. The binder returns each parameter's value (undefined when not given) or throws a TypeError.
 */
export function signature<S extends Signature, K extends Signature = Record<never, never>>(
  name: string,
  spec: S,
  /** Python's keyword-only parameters (after `*`): accepted in the options object only. */
  keywordOnly?: K,
): (args: readonly unknown[]) => Bound<S & K> {
  const names = Object.keys(spec);
  SIGNATURES.set(name, { positional: names, keywordOnly: Object.keys(keywordOnly ?? {}) });
  const all = { ...spec, ...keywordOnly } as S & K;
  return (args) => bindArgs(name, all, names, args);
}

function bindArgs<S extends Signature>(name: string, spec: S, names: readonly string[], args: readonly unknown[]): Bound<S> {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let options: Record<string, unknown> | undefined;
  const last = args[n - 1];
  if (n > 0 && isPlainObject(last) && !(n <= names.length && spec[names[n - 1]].takesObject)) {
    options = last;
    n--;
  }
  if (n > names.length) {
    throw new TypeError(
      `${name}() takes ${names.length} positional argument${names.length === 1 ? '' : 's'} (${names.join(', ')}) but ${n} were given`,
    );
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[names[i]] = args[i];
  if (options) {
    for (const [key, value] of Object.entries(options)) {
      if (!(key in spec)) {
        throw new TypeError(`${name}() got an unexpected option '${key}' (its arguments are ${Object.keys(spec).join(', ')})`);
      }
      if (value === undefined) continue;
      if (out[key] !== undefined) throw new TypeError(`${name}() got multiple values for argument '${key}'`);
      out[key] = value;
    }
  }
  for (const key of Object.keys(spec)) {
    const p = spec[key];
    const v = out[key];
    if (v === undefined) {
      if (p.required) throw new TypeError(`${name}() missing required argument '${key}'`);
      continue;
    }
    if (!p.accepts(v)) throw new TypeError(`${name}(): argument '${key}' must be ${p.expected}, got ${describe(v)}`);
  }
  return out as Bound<S>;
}
