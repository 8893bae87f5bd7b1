// Each kind of bad input gives one clear error naming the file:line and what to do; the CLI exits non-zero and
// the run record keeps everything up to the failure.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRecord } from '../../engine/process/run-record';
import type { EngineMessage } from '../../protocol/messages';
import { cli, FIXTURES, launch, ofType, waitFor, killAll } from './harness';

after(killAll);

function record(cwd: string): EngineMessage[] {
  const dir = path.join(cwd, '.gradlens', 'runs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  assert.equal(files.length, 1);
  return parseRecord(readFileSync(path.join(dir, files[0]), 'utf8'));
}

interface Case {
  fixture: string;
  id: string;
  /** file:line the error must name (relative to the fixtures folder). */
  where: string;
  text: RegExp;
  args?: string[];
}

const CASES: Case[] = [
  { fixture: 'broken-syntax.cjs', id: 'syntaxError', where: 'broken-syntax.cjs:6:63', text: /Expected "\)" but found "new"/ },
  { fixture: 'build-throws.ts', id: 'modelBuildFailed', where: 'build-throws.ts:4', text: /hidden size must come from the config/ },
  { fixture: 'shape-mismatch.ts', id: 'shapeMismatch', where: 'shape-mismatch.ts:7', text: /Linear\(8, 1\).*expected \[\.\.\., 8\], got \[\d+, 16\]/ },
  { fixture: 'nan-data.ts', id: 'dataError', where: 'with-gap.csv:3', text: /column 'x2': empty cell/ },
  { fixture: 'missing-column.ts', id: 'dataError', where: 'missing-column.ts:5', text: /target column 'species' not found/ },
  { fixture: 'no-default.ts', id: 'noDefaultExport', where: 'no-default.ts:1', text: /no default export \(it exports training\)/ },
  { fixture: 'calls-exit.ts', id: 'processExit', where: 'calls-exit.ts:8', text: /process\.exit\(3\)/ },
  { fixture: 'out-of-memory.ts', id: 'outOfMemory', where: '', text: /ran out of memory/, args: ['--max-memory', '64'] },
];

for (const c of CASES) {
  test(`bad input: ${c.fixture} -> ${c.id}`, () => {
    const r = cli(['train', path.join(FIXTURES, c.fixture), '--json', ...(c.args ?? [])]);
    assert.equal(r.code, 1, r.stderr);
    const messages = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EngineMessage);
    const errors = ofType(messages, 'error');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const e = errors[0].error;
    assert.equal(e.id, c.id, e.message);
    assert.match(e.message, c.text);
    assert.ok(e.hint && e.hint.length > 10, 'says what to do');
    if (c.where) {
      const [file, line, column] = c.where.split(':');
      assert.equal(e.location?.file, path.join(FIXTURES, file), e.message);
      assert.equal(e.location?.line, Number(line), e.message);
      if (column) assert.equal(e.location?.column, Number(column));
      assert.ok(e.message.includes(`${path.join(FIXTURES, file)}:${line}`), e.message);
    }
    const last = messages[messages.length - 1];
    assert.equal(last.type, 'finished');
    // The record kept everything up to the failure, ending with the same error.
    const rec = record(r.cwd);
    assert.equal(rec[0].type, 'hello');
    assert.deepEqual(ofType(rec, 'error')[0].error.id, c.id);
    assert.equal(rec[rec.length - 1].type, 'finished');
    assert.equal(ofType(rec, 'step').length, ofType(messages, 'step').length);
  });
}

test('bad input: the human-readable error starts with file:line and gives a hint', () => {
  const r = cli(['train', path.join(FIXTURES, 'shape-mismatch.ts')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^${path.join(FIXTURES, 'shape-mismatch.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:\\d+: error: Shape mismatch`, 'm'));
  assert.match(r.stderr, /hint: /);
});

test('a crash of the engine process (killed) ends cleanly for the host and in the record', async () => {
  const { client, messages } = await launch();
  const step = waitFor(client, (m) => m.type === 'step' && m.step === 3);
  await client.start({ modelFile: path.join(FIXTURES, 'tiny.ts') });
  await step;
  process.kill(client.pid, 'SIGKILL');
  await client.exited;
  const errors = ofType(messages, 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].error.id, 'processCrashed');
  assert.match(errors[0].error.message, /SIGKILL/);
  assert.equal(messages[messages.length - 1].type, 'finished');
  const rec = parseRecord(readFileSync(await client.recordPath, 'utf8'));
  assert.ok(ofType(rec, 'step').length >= 4, 'steps before the crash are in the record');
  assert.equal(ofType(rec, 'error')[0].error.id, 'processCrashed');
  assert.equal(rec[rec.length - 1].type, 'finished');
});
