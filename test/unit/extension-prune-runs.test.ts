// Old run records are pruned to the newest N (issue 25 item 7: .gradlens/runs grew to 6.9 MB over ~20 runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pruneRunRecords } from '../../extension/pruneRuns';

function folder(records: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-runs-'));
  for (let i = 0; i < records; i++) {
    const f = path.join(dir, `run-${i}.jsonl`);
    writeFileSync(f, '{}\n');
    utimesSync(f, 1_000_000 + i, 1_000_000 + i); // run-0 oldest
  }
  writeFileSync(path.join(dir, 'notes.txt'), 'not a record');
  return dir;
}

test('keeps the newest N records and nothing else is touched', () => {
  const dir = folder(5);
  const deleted = pruneRunRecords(dir, 3).map((f) => path.basename(f)).sort();
  assert.deepEqual(deleted, ['run-0.jsonl', 'run-1.jsonl']);
  assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'run-2.jsonl', 'run-3.jsonl', 'run-4.jsonl']);
});

test('0 keeps every record; a missing folder is fine', () => {
  const dir = folder(4);
  assert.deepEqual(pruneRunRecords(dir, 0), []);
  assert.equal(readdirSync(dir).length, 5);
  assert.deepEqual(pruneRunRecords(path.join(dir, 'none'), 2), []);
});
