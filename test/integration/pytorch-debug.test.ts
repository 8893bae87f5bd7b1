// Debugging a PyTorch script through the protocol, as the extension's debugger does (issue 22): an anomaly
// breakpoint pauses before the optimizer step; Variables, evaluation in Python against the live model (lr = ...),
// inspect, one step, stop. Every message and response body is checked against the schema (validate).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PYTHON_LAUNCH_ENV } from '../../engine/python/launch-config';
import { launchEngine } from '../../host/launch';
import type { EngineClient } from '../../host/engine-client';
import type { EngineMessage, EngineMessageOf } from '../../protocol/messages';
import { ensureBuilt, EXAMPLES, ofType, ROOT, tempDir, waitFor } from './harness';

let client: EngineClient | undefined;
after(() => client?.kill());

const isPaused = (m: EngineMessage): m is EngineMessageOf<'paused'> => m.type === 'paused';

test('a paused PyTorch script answers Variables, evaluates Python (lr = ...), inspects, steps once and stops', async () => {
  ensureBuilt();
  client = await launchEngine({
    childPath: path.join(ROOT, 'dist', 'engine-python.js'),
    cwd: tempDir(),
    env: { ...process.env, [PYTHON_LAUNCH_ENV]: JSON.stringify({ args: ['--spike-step', '40'] }) },
    validate: true,
  });
  assert.ok(client.hello.capabilities.includes('evaluate'));
  const messages: EngineMessage[] = [];
  client.onMessage((m) => messages.push(m));
  const paused = waitFor(client, isPaused, 60_000);
  await client.start({ modelFile: path.join(EXAMPLES, 'pytorch', 'lr-spike.py'), breakOn: [{ kind: 'lossSpike' }] });
  const stop = await paused;
  assert.equal(stop.reason, 'anomaly');
  assert.equal(stop.anomaly?.kind, 'lossSpike');
  // The stop's frame is the script's optimizer.step() line; the layers follow at the lines that built them.
  const script = path.join(EXAMPLES, 'pytorch', 'lr-spike.py');
  const stepLine = readFileSync(script, 'utf8').split('\n').findIndex((l) => /optimizer\.step\(\)/.test(l)) + 1;
  assert.deepEqual([stop.frames[0].source?.file, stop.frames[0].source?.line], [script, stepLine]);
  assert.deepEqual(stop.frames.slice(1).map((f) => f.layerId), ['0', '1', '2']);
  assert.ok(stop.frames.slice(1).every((f) => f.source?.file === script));

  const roots = (await client.request({ type: 'variables', ref: '' })).variables;
  const names = roots.map((v) => v.name);
  for (const n of ['model', 'optimizer', 'step', 'loss', 'lr', 'xb', 'yb']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  assert.equal(roots.find((v) => v.name === 'step')?.value, String(stop.step));
  const model = roots.find((v) => v.name === 'model');
  assert.ok(model?.ref);
  const first = (await client.request({ type: 'variables', ref: JSON.stringify(['model', '0']) })).variables;
  assert.deepEqual(first.find((v) => v.name === 'weight')?.shape, [32, 16]);

  const weight = await client.request({ type: 'evaluate', expression: 'model[0].weight' });
  assert.deepEqual(weight.tensor?.shape, [32, 16]);
  assert.equal((await client.request({ type: 'evaluate', expression: 'lr = 0.001' })).result, 'lr = 0.001');
  assert.equal((await client.request({ type: 'evaluate', expression: "optimizer.param_groups[0]['lr']" })).result, '0.001');
  await assert.rejects(client.request({ type: 'evaluate', expression: '1 / 0' }), /ZeroDivisionError/);
  const grad = await client.request({ type: 'inspect', layerId: '0', what: 'grad' });
  assert.deepEqual(grad.shape, [32, 16]);

  // One optimizer step with the new learning rate, then a pause again.
  const next = waitFor(client, (m): m is EngineMessageOf<'paused'> => isPaused(m) && m.step === stop.step + 1, 30_000);
  await client.request({ type: 'step', count: 1, unit: 'batch' });
  assert.equal((await next).reason, 'step');
  assert.equal(ofType(messages, 'step').find((s) => s.step === stop.step + 1)?.lr, 0.001);
  await client.stop();
  assert.equal(ofType(messages, 'finished')[0]?.reason, 'stopped');
  assert.equal(ofType(messages, 'error').length, 0, JSON.stringify(ofType(messages, 'error')));
});
