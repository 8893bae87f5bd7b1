// `gradlens.watch(model, optimizer)` in a script Gradlens does not launch (issue 22, "own launcher"): plain python
// writes a run record of schema-valid protocol messages that `gradlens report` and `gradlens rescore` read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { checkEngineMessage } from '../../protocol/validate';
import { cli, EXAMPLES, ofType, ROOT, tempDir } from './harness';

const SCRIPT = path.join(EXAMPLES, 'pytorch', 'watch.py');

function runWatched(args: string[]): { status: number | null; stderr: string; record: EngineMessage[]; file: string; cwd: string } {
  const cwd = tempDir();
  const r = spawnSync('/usr/bin/python3', [SCRIPT, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python'), PYTHONDONTWRITEBYTECODE: '1' } });
  const folder = path.join(cwd, '.gradlens', 'runs');
  const [name] = readdirSync(folder);
  const file = path.join(folder, name);
  const record = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => {
      const c = checkEngineMessage(JSON.parse(line));
      assert.ok(c.ok, `${name}:${i + 1}: ${c.ok ? '' : c.error}`);
      return c.value;
    });
  return { status: r.status, stderr: r.stderr, record, file, cwd };
}

test('gradlens.watch() writes a run record that report and rescore read', () => {
  const run = runWatched([]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.record[0].type, 'hello');
  assert.equal(ofType(run.record, 'runStarted')[0].recordPath, run.file);
  const layers = ofType(run.record, 'graph')[0].graph.layers;
  assert.deepEqual(layers.map((l) => l.id), ['0', '1', '2']);
  const line = readFileSync(SCRIPT, 'utf8').split('\n').findIndex((l) => l.startsWith('model = nn.Sequential')) + 1;
  assert.equal(layers[0].source?.line, line);
  assert.equal(ofType(run.record, 'step').length, 30);
  assert.ok(ofType(run.record, 'layerStats').length >= 20);
  assert.deepEqual(ofType(run.record, 'finished').map((f) => [f.reason, f.step]), [['completed', 30]]);
  const report = cli(['report', run.file, '--out', 'r.html'], run.cwd);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /30 steps/);
  const rescore = cli(['rescore', run.file], run.cwd);
  assert.equal(rescore.code, 0, rescore.stderr);
  assert.doesNotMatch(rescore.stderr, /skipped/);
});

test("an exception in a watched script ends its record with the error at the user's line", () => {
  const run = runWatched(['5']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /ValueError: failed on purpose at step 5/);
  const [error] = ofType(run.record, 'error');
  assert.equal(error.error.location?.file, SCRIPT);
  assert.match(error.error.message, /ValueError: failed on purpose at step 5/);
  assert.deepEqual(ofType(run.record, 'finished').map((f) => [f.reason, f.step]), [['error', 5]]);
});
