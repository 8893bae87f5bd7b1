// Golden transcripts, as vscode-js-debug keeps them (its goldenText.ts): what a short run puts on the wire, with
// volatile values (ids, times, pids, absolute paths) replaced by stable placeholders and floats rounded, compared
// with the committed file so any change to what users see is a visible diff in review.
// To accept a change on purpose: UPDATE_GOLDEN=1 node --import tsx --test test/integration/golden.test.ts
// (it rewrites test/golden/*.txt; read the diff before committing it).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Times, ids and paths change run to run; `backends` (the kernels message) changes with every kernel added, which
// is not what these transcripts are about.
const KEYS_OF_TIME = new Set(['durationMs', 'stepMs', 'samplesPerSec', 'startedAt', 'pid', 'runId', 'recordPath', 'version', 'backends']);

/** A JSON-able value with paths under `roots` made relative and volatile fields and float noise removed. */
export function stabilise(value: unknown, roots: Record<string, string>): unknown {
  if (typeof value === 'string') {
    let s = value;
    for (const [name, root] of Object.entries(roots)) s = s.split(root).join(`<${name}>`);
    return s.replace(/\(\d+(\.\d+)? ms\)/g, '(<ms> ms)');
  }
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(5));
  if (Array.isArray(value)) return value.map((v) => stabilise(v, roots));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = KEYS_OF_TIME.has(k) ? `<${k}>` : stabilise(v, roots);
    return out;
  }
  return value;
}

/** Compares `lines` with test/golden/<name>, or rewrites it when UPDATE_GOLDEN=1. */
export function assertGolden(name: string, lines: readonly unknown[]): void {
  const file = path.join(__dirname, name);
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    writeFileSync(file, text);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`${name} did not exist: written, check it and commit it`);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs from what was sent (UPDATE_GOLDEN=1 rewrites it; see test/golden/golden.ts)`);
}
