// `gradlens report` treats a run record as untrusted input: messages that do not fit the protocol's schema are
// skipped and the first is named (message number, message type, field), and a record of a newer protocol is refused
// with a line saying so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROTOCOL_VERSION } from '../../protocol/messages';
import { makeSampleRun } from '../../scripts/make-sample-run';
import { cli, ensureBuilt, tempDir } from './harness';

const HELLO = { type: 'hello', protocolVersion: PROTOCOL_VERSION, engine: 'gradlens', version: '0.1.0', capabilities: [], pid: 1 };

test('gradlens report names the first malformed message and skips it', () => {
  ensureBuilt();
  const dir = tempDir();
  const run: unknown[] = [HELLO, ...makeSampleRun({ layers: 2, steps: 20 })];
  const i = run.findIndex((m) => (m as { type: string }).type === 'step');
  run[i] = { ...(run[i] as object), loss: 'abc' };
  writeFileSync(path.join(dir, 'run.jsonl'), run.map((m) => JSON.stringify(m)).join('\n') + '\n');
  const r = cli(['report', 'run.jsonl', '--out', 'run.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`skipped 1 malformed line\\(s\\) of run\\.jsonl \\(first: message ${i + 1}: step message: loss must be a number \\(got "abc"\\)\\)`));
});

test('gradlens report refuses a record of a newer protocol, saying so in one line', () => {
  ensureBuilt();
  const dir = tempDir();
  const run = [{ ...HELLO, protocolVersion: PROTOCOL_VERSION + 1 }, { type: 'somethingNew' }];
  writeFileSync(path.join(dir, 'run.jsonl'), run.map((m) => JSON.stringify(m)).join('\n') + '\n');
  const r = cli(['report', 'run.jsonl', '--out', 'run.html'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `gradlens: run.jsonl: this run was recorded by a newer Gradlens (protocol ${PROTOCOL_VERSION + 1}); update Gradlens`);
});
