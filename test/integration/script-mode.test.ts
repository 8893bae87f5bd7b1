// A model file that is a script with the user's own loop, through the real engine child and CLI: --break-on stops
// it and exits 3, its console output is the run's, an error inside the loop names the user's line and keeps the
// steps before it, and a file that neither trains nor exports a definition says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { cli, EXAMPLES, FIXTURES, ofType, runModel, tempDir } from './harness';

test('--break-on lossSpike stops a loop script at the spike and exits 3; its own output is printed', () => {
  const r = cli(['train', path.join(EXAMPLES, 'lr-spike-loop.ts'), '--break-on', 'lossSpike,nonFinite']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /its own loop/);
  assert.match(r.stdout, /^step 100: loss \d/m, "the script's console.log");
  const m = /Stopped at the first (\w+) \(--break-on\): step (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.ok(Number(m[2]) >= 150 && Number(m[2]) < 160, `stopped at step ${m[2]}`);
});

test('an error thrown inside the loop names its line; the record keeps the steps before it', () => {
  const dir = tempDir();
  const r = cli(['train', path.join(FIXTURES, 'loop-throws.ts'), '--record', 'run.jsonl'], dir);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /loop-throws\.ts:10:\d+: error: Error: my loop broke/);
  const record = readFileSync(path.join(dir, 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EngineMessage);
  assert.equal(ofType(record, 'step').length, 3);
  assert.deepEqual(ofType(record, 'finished').map((f) => [f.reason, f.step]), [['error', 3]]);
  assert.equal(ofType(record, 'error')[0].error.id, 'trainingFailed');
});

test('a file that neither trains in a loop nor exports a definition gets one clear error', async () => {
  const { messages } = await runModel(path.join(FIXTURES, 'no-training.ts'));
  const [err] = ofType(messages, 'error');
  assert.equal(err?.error.id, 'noDefaultExport');
  assert.match(err.error.message, /ran to its end without a training step/);
  assert.ok(ofType(messages, 'log').some((l) => l.message === 'built Linear(3, 1)'), 'the file ran (once)');
  assert.equal(ofType(messages, 'log').filter((l) => l.message === 'built Linear(3, 1)').length, 1);
});

test("a loop script reports its steps, the size of its training data and its model's layers", async () => {
  const { messages } = await runModel(path.join(EXAMPLES, 'lr-spike-loop.ts'), { maxSteps: 40 });
  assert.deepEqual(ofType(messages, 'error'), []);
  assert.equal(ofType(messages, 'step').length, 40);
  assert.equal(ofType(messages, 'finished')[0].reason, 'completed');
  const [started] = ofType(messages, 'runStarted');
  assert.equal(started.config.trainSize, 8000);
  assert.deepEqual(ofType(messages, 'graph')[0].graph.layers.map((l) => l.type), ['Flatten', 'Linear', 'ReLU', 'Linear']);
});

test('`using _ = torch.no_grad()` keeps gradients off to the end of its block in a model file', async () => {
  const { messages } = await runModel(path.join(FIXTURES, 'loop-using-no-grad.ts'));
  assert.deepEqual(ofType(messages, 'error'), []);
  const lines = ofType(messages, 'log').map((l) => l.message);
  assert.deepEqual(lines.filter((l) => l.startsWith('in scope')), Array(3).fill('in scope: grad false, requires_grad false'));
  assert.deepEqual(lines.filter((l) => l.startsWith('after')), Array(3).fill('after: grad true'));
  assert.equal(ofType(messages, 'step').length, 3);
});
