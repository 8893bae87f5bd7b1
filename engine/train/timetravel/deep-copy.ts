// A deep copy that keeps classes: what a snapshot keeps of state that has no snapshot API of its own (the
// detectors' windows and counters, a scheduler without state_dict). structuredClone would turn a detector into a
// plain object; this copies own fields into an object of the same prototype. Functions are shared, not copied.

/**
 * A copy of `value` in which nothing mutable is shared with the original, except functions and the objects in
 * `shared` (a scheduler's optimizer: the copy must point at the live one, not at a copy of it).
 */
export function deepCopy<T>(value: T, shared: readonly object[] = []): T {
  const seen = new Map<object, unknown>();
  for (const o of shared) seen.set(o, o);
  return copy(value, seen) as T;
}

/**
 * Writes a copy of each own field of `saved` (a deepCopy of an object of the same class) into `live`, except
 * the fields named in `keep`, so the callers' references to `live` stay valid.
 */
export function restoreFields(live: object, saved: object, keep: readonly string[] = [], shared: readonly object[] = []): void {
  const target = live as Record<string, unknown>;
  for (const [k, v] of Object.entries(saved)) if (!keep.includes(k)) target[k] = deepCopy(v, shared);
}

function copy(v: unknown, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const known = seen.get(v);
  if (known !== undefined) return known;
  if (ArrayBuffer.isView(v)) {
    const out = (v as unknown as { slice(): unknown }).slice();
    seen.set(v, out);
    return out;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const x of v) out.push(copy(x, seen));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    seen.set(v, out);
    for (const [k, x] of v) out.set(k, copy(x, seen));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    seen.set(v, out);
    for (const x of v) out.add(copy(x, seen));
    return out;
  }
  const out = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
  seen.set(v, out);
  for (const [k, x] of Object.entries(v)) out[k] = copy(x, seen);
  return out;
}
