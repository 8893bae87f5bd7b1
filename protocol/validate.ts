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

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** An EngineMessage (also a run record's line), or what is wrong with it. */
export function checkEngineMessage(value: unknown): Checked<EngineMessage> {
  const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  const label = typeof type === 'string' ? `${type} message` : 'message';
  const problem = check(definitions.EngineMessage, value, '');
  return problem === undefined ? { ok: true, value: value as EngineMessage } : { ok: false, error: `${label}: ${problem}` };
}

/** The body of a successful response to a command of type T, or what is wrong with it. */
export function checkResponseBody<T extends HostCommandType>(command: T, body: unknown): Checked<ResponseBodies[T]> {
  if (body === undefined) return { ok: true, value: body as ResponseBodies[T] };
  const schema = definitions.ResponseBodies.properties?.[command];
  const problem = schema ? check(schema, body, '') : undefined;
  return problem === undefined ? { ok: true, value: body as ResponseBodies[T] } : { ok: false, error: `response to ${command}: ${problem}` };
}

function resolve(schema: Schema): Schema {
  let s = schema;
  while (s.$ref) s = definitions[s.$ref.replace('#/definitions/', '')] ?? {};
  return s;
}

function at(path: string): string {
  return path || 'the message';
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

/** undefined when `value` fits `schema`, else one sentence naming the field. */
function check(schemaIn: Schema, value: unknown, path: string): string | undefined {
  const schema = resolve(schemaIn);
  if (schema.anyOf) return checkAnyOf(schema.anyOf, value, path);
  if (schema.not && Object.keys(schema.not).length === 0) return undefined; // "no value": never sent, never checked
  if ('const' in schema && value !== schema.const) return `${at(path)} must be ${describe(schema.const)} (got ${describe(value)})`;
  if (schema.enum && !schema.enum.includes(value)) {
    return `${at(path)} must be one of ${schema.enum.map(describe).join(', ')} (got ${describe(value)})`;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => fitsType(t, value))) return `${at(path)} must be ${types.map(article).join(' or ')} (got ${describe(value)})`;
  }
  if (jsonType(value) === 'array' && schema.items) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      const p = check(schema.items, list[i], `${path}[${i}]`);
      if (p) return p;
    }
  }
  if (jsonType(value) === 'object' && (schema.properties || schema.required || typeof schema.additionalProperties === 'object')) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in obj)) return `${join(path, key)} is missing`;
    }
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (!sub) continue;
      const p = check(sub, v, join(path, key));
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * A union: when its members are told apart by a `type` constant (the protocol's messages), the member named by the
 * value's type is checked, so the error names the field that is wrong rather than "matches no member".
 */
function checkAnyOf(members: Schema[], value: unknown, path: string): string | undefined {
  const resolved = members.map(resolve);
  const tags = resolved.map((m) => (m.properties?.type && 'const' in resolve(m.properties.type) ? resolve(m.properties.type).const : undefined));
  if (tags.every((t) => t !== undefined) && jsonType(value) === 'object') {
    const tag = (value as { type?: unknown }).type;
    const i = tags.findIndex((t) => t === tag);
    if (i < 0) return `${join(path, 'type')} must be one of ${tags.map(describe).join(', ')} (got ${describe(tag)})`;
    return check(resolved[i], value, path);
  }
  const problems: string[] = [];
  for (const m of resolved) {
    const p = check(m, value, path);
    if (p === undefined) return undefined;
    problems.push(p);
  }
  // The member of the value's own JSON type says most about what is wrong.
  const sameType = resolved.findIndex((m) => m.type !== undefined && ([] as string[]).concat(m.type).some((t) => fitsType(t, value)));
  return sameType >= 0 ? problems[sameType] : `${at(path)} has none of the allowed forms (${problems.join('; ')})`;
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

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
