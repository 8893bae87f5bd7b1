// Checks a value against the protocol's generated JSON Schema (schema/protocol.schema.json, from the types in this
// folder), for what the host did not produce itself: a run record opened from disk, messages from an engine not
// written in TypeScript. A small interpreter of the keywords the generator emits ($ref, anyOf, const, enum, type,
// properties, required, items, additionalProperties) rather than a general validator: it runs in the extension
// bundle and the webview with no dependency, and its errors name the message and the field ("step message: loss
// must be a number (got "abc")"). Two rules of the wire are applied: a number may be null (JSON has no NaN or
// Infinity; docs/protocol.md), and fields the schema does not know are allowed (an optional field a newer engine of
// the same protocol version adds is a compatible change).
import schemaJson from './schema/protocol.schema.json';
import type { EngineMessage, HostCommandType, ResponseBodies } from './messages';

interface Schema {
  $ref?: string;
  anyOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  not?: Schema;
}

const definitions = (schemaJson as unknown as { definitions: Record<string, Schema> }).definitions;

/**
 * `unknownType`: a message of a type this host does not know. The protocol lets a newer engine add message types
 * without a new version (docs/protocol.md: consumers ignore what they do not know), so callers skip it.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string; unknownType?: true };

/** An EngineMessage (also a run record's line), or what is wrong with it. */
export function checkEngineMessage(value: unknown): Checked<EngineMessage> {
  const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  const label = typeof type === 'string' ? `${type} message` : 'message';
  const failure = compile(definitions.EngineMessage)(value);
  if (!failure) return { ok: true, value: value as EngineMessage };
  const unknownType = typeof type === 'string' && failure.path.length === 1 && failure.path[0] === 'type';
  return { ok: false, error: `${label}: ${report(failure)}`, ...(unknownType ? { unknownType: true as const } : {}) };
}

/** The body of a successful response to a command of type T, or what is wrong with it. */
export function checkResponseBody<T extends HostCommandType>(command: T, body: unknown): Checked<ResponseBodies[T]> {
  if (body === undefined) return { ok: true, value: body as ResponseBodies[T] };
  const schema = definitions.ResponseBodies.properties?.[command];
  const problem = schema ? report(compile(schema)(body)) : undefined;
  return problem === undefined ? { ok: true, value: body as ResponseBodies[T] } : { ok: false, error: `response to ${command}: ${problem}` };
}

function resolve(schema: Schema): Schema {
  let s = schema;
  while (s.$ref) s = definitions[s.$ref.replace('#/definitions/', '')] ?? {};
  return s;
}

/** Where a value failed (path segments from the top, built only on failure) and what is wrong. */
interface Failure {
  path: string[];
  /** The sentence after the field's name, e.g. "must be a number (got "abc")". */
  text: string;
}

type Checker = (value: unknown) => Failure | undefined;

function report(f: Failure | undefined): string | undefined {
  if (!f) return undefined;
  const where = f.path.reduce((acc, seg) => (seg.startsWith('[') ? acc + seg : acc ? `${acc}.${seg}` : seg), '');
  return `${where || 'the message'} ${f.text}`;
}

function within(seg: string, f: Failure | undefined): Failure | undefined {
  if (f) f.path.unshift(seg);
  return f;
}

function describe(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 40 ? text.slice(0, 37) + '...' : text;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

// Each schema node is compiled once into a checker (a record of a long run holds millions of messages).
const compiled = new Map<Schema, Checker>();

function compile(schemaIn: Schema): Checker {
  const known = compiled.get(schemaIn);
  if (known) return known;
  let impl: Checker = () => undefined;
  // Registered before it is built: the schema is recursive through $ref.
  const checker: Checker = (v) => impl(v);
  compiled.set(schemaIn, checker);
  impl = build(resolve(schemaIn));
  return checker;
}

function build(schema: Schema): Checker {
  if (schema.anyOf) return buildAnyOf(schema.anyOf);
  if (schema.not && Object.keys(schema.not).length === 0) return () => undefined; // "no value": never sent
  const parts: Checker[] = [];
  if ('const' in schema) {
    const c = schema.const;
    parts.push((v) => (v === c ? undefined : { path: [], text: `must be ${describe(c)} (got ${describe(v)})` }));
  }
  if (schema.enum) {
    const allowed = schema.enum;
    parts.push((v) => (allowed.includes(v) ? undefined : { path: [], text: `must be one of ${allowed.map(describe).join(', ')} (got ${describe(v)})` }));
  }
  if (schema.type !== undefined) {
    const types = ([] as string[]).concat(schema.type);
    const wanted = types.map(article).join(' or ');
    parts.push((v) => (types.some((t) => fitsType(t, v)) ? undefined : { path: [], text: `must be ${wanted} (got ${describe(v)})` }));
  }
  if (schema.items) {
    const item = compile(schema.items);
    parts.push((v) => {
      if (!Array.isArray(v)) return undefined;
      for (let i = 0; i < v.length; i++) {
        const f = item(v[i]);
        if (f) return within(`[${i}]`, f);
      }
      return undefined;
    });
  }
  if (schema.properties || schema.required || typeof schema.additionalProperties === 'object') {
    const required = schema.required ?? [];
    const props = new Map(Object.entries(schema.properties ?? {}).map(([k, sub]) => [k, compile(sub)]));
    const extra = typeof schema.additionalProperties === 'object' ? compile(schema.additionalProperties) : undefined;
    parts.push((v) => {
      if (jsonType(v) !== 'object') return undefined;
      const obj = v as Record<string, unknown>;
      for (const key of required) if (!(key in obj)) return { path: [key], text: 'is missing' };
      for (const key in obj) {
        const sub = props.get(key) ?? extra;
        if (!sub) continue;
        const f = sub(obj[key]);
        if (f) return within(key, f);
      }
      return undefined;
    });
  }
  return (v) => {
    for (const part of parts) {
      const f = part(v);
      if (f) return f;
    }
    return undefined;
  };
}

/**
 * A union: when its members are told apart by a `type` constant (the protocol's messages), the member named by the
 * value's type is checked, so the error names the field that is wrong rather than "matches no member".
 */
function buildAnyOf(members: Schema[]): Checker {
  const resolved = members.map(resolve);
  const tags = resolved.map((m) => (m.properties?.type ? resolve(m.properties.type).const : undefined));
  if (tags.every((t) => typeof t === 'string')) {
    const byTag = new Map(tags.map((t, i) => [t, compile(members[i])]));
    const names = tags.map(describe).join(', ');
    return (v) => {
      if (jsonType(v) !== 'object') return { path: [], text: `must be an object (got ${describe(v)})` };
      const tag = (v as { type?: unknown }).type;
      const member = typeof tag === 'string' ? byTag.get(tag) : undefined;
      return member ? member(v) : { path: ['type'], text: `must be one of ${names} (got ${describe(tag)})` };
    };
  }
  const checkers = members.map(compile);
  return (v) => {
    const failures: Failure[] = [];
    for (const c of checkers) {
      const f = c(v);
      if (!f) return undefined;
      failures.push(f);
    }
    // The member of the value's own JSON type says most about what is wrong.
    const same = resolved.findIndex((m) => m.type !== undefined && ([] as string[]).concat(m.type).some((t) => fitsType(t, v)));
    return same >= 0 ? failures[same] : { path: [], text: `has none of the allowed forms (${failures.map((f) => report(f)).join('; ')})` };
  };
}

function fitsType(t: string, v: unknown): boolean {
  switch (t) {
    case 'number':
      return typeof v === 'number' || v === null;
    case 'integer':
      return (typeof v === 'number' && Number.isInteger(v)) || v === null;
    case 'object':
      return jsonType(v) === 'object';
    default:
      return jsonType(v) === t;
  }
}

function article(t: string): string {
  return t === 'array' || t === 'object' || t === 'integer' ? `an ${t}` : t === 'null' ? 'null' : `a ${t}`;
}
