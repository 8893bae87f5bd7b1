// Pausing and stepping the engine as the debug adapter does: stop on entry, step by batch and by layer (into
// the forward and the backward pass), inspect and evaluate while paused, change the learning rate, layer
// breakpoints with hit conditions, logpoints, and anomaly breakpoints.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRecord } from '../../engine/process/run-record';
import type { EngineMessageOf } from '../../protocol/messages';
import { FIXTURES, launch, ofType, waitFor, killAll } from './harness';

after(killAll);

const TINY = path.join(FIXTURES, 'tiny.ts');
const isPaused = (m: { type: string }): m is EngineMessageOf<'paused'> => m.type === 'paused';

test('stop on entry, step by batch and by layer, inspect, evaluate and set the learning rate', async () => {
  const { client, messages } = await launch();
  let paused = waitFor(client, isPaused);
  await client.start({ modelFile: TINY, stopOnEntry: true });
  let p = await paused;
  assert.equal(p.reason, 'entry');
  assert.equal(p.step, 0);
  assert.equal(p.frames[0].name, 'train step 0');
  assert.equal(p.frames[0].source?.line, 4, 'frame 0 is the default export of the model file');
  assert.deepEqual(p.frames.slice(1).map((f) => f.layerId), ['0', '1', '2']);

  const w = await client.request({ type: 'inspect', layerId: '0', what: 'weight', full: true });
  assert.deepEqual(w.shape, [8, 2]);
  assert.equal(w.values?.length, 16);
  const ev = await client.request({ type: 'evaluate', expression: "layers['0'].weight" });
  assert.deepEqual(ev.tensor?.shape, [8, 2]);
  assert.equal((await client.request({ type: 'evaluate', expression: 'step + 1' })).result, '1');
  await client.request({ type: 'setLearningRate', lr: 0.5 });
  assert.equal((await client.request({ type: 'evaluate', expression: 'optimizer.param_groups[0].lr' })).result, '0.5');
  assert.equal((await client.request({ type: 'evaluate', expression: 'lr' })).result, '0.5', 'lr, as Variables shows it');
  await assert.rejects(client.request({ type: 'evaluate', expression: 'nosuchname.x' }), /nosuchname/);

  // The variables tree: scope -> layers -> a layer -> its weight -> the weight's summary.
  const vars = async (ref: string) => (await client.request({ type: 'variables', ref })).variables;
  const roots = await vars('');
  assert.deepEqual(['model', 'layers', 'step', 'loss', 'optimizer'].filter((n) => !roots.some((v) => v.name === n)), []);
  const layer0 = (await vars(roots.find((v) => v.name === 'layers')?.ref ?? '')).find((v) => v.name === '0');
  assert.equal(layer0?.value, 'Linear(2, 8)');
  const weight = (await vars(layer0?.ref ?? '')).find((v) => v.name === 'weight');
  assert.match(weight?.value ?? '', /^Tensor\[8, 2\]/);
  const fields = await vars(weight?.ref ?? '');
  assert.equal(fields.find((v) => v.name === 'shape')?.value, '[8, 2]');
  assert.equal(fields.find((v) => v.name === 'norm')?.value, String(w.norm));

  paused = waitFor(client, isPaused);
  await client.request({ type: 'step', count: 2, unit: 'batch' });
  p = await paused;
  assert.equal(p.reason, 'step');
  assert.equal(p.step, 2);
  const steps = ofType(messages, 'step');
  assert.equal(steps.length, 2);
  assert.equal(steps[1].lr, 0.5, 'the new learning rate was used');

  // Into the forward pass, layer by layer.
  const forward: string[] = [];
  for (let i = 0; i < 3; i++) {
    paused = waitFor(client, isPaused);
    await client.request({ type: 'step', count: 1, unit: 'layer' });
    p = await paused;
    assert.equal(p.step, 2);
    forward.push(`${p.frames[0].layerId} ${p.description}`);
  }
  assert.deepEqual(forward.map((f) => f.split(' ')[0]), ['0', '1', '2']);
  assert.match(forward[0], /forward/);
  // Paused inside ReLU's forward: `x` is its input.
  paused = waitFor(client, isPaused);
  await client.request({ type: 'step', count: 1, unit: 'layer' });
  p = await paused;
  assert.match(p.description, /backward/, 'after the last layer comes the backward pass');
  assert.equal(p.frames[0].layerId, '2', 'the backward pass starts at the last layer');

  const fin = waitFor(client, (m) => m.type === 'finished');
  await client.request({ type: 'resume' });
  await fin;
  await client.exited;
  assert.equal(ofType(messages, 'step').length, 26);
  // The record keeps the run, not the debugger's answers: the full weight values inspected above are not in it.
  const recorded = parseRecord(readFileSync(await client.recordPath, 'utf8'));
  assert.ok(recorded.some((m) => m.type === 'paused'));
  assert.deepEqual(recorded.filter((m) => m.type === 'response'), []);
});

test('pause while running stops at the next batch boundary; layer breakpoints honour hit conditions and logpoints', async () => {
  const { client, messages } = await launch();
  const reluLine = 7;
  let paused = waitFor(client, isPaused);
  await client.start({
    modelFile: TINY,
    layerBreakpoints: [
      { id: 1, file: TINY, line: reluLine, hitCondition: '3' },
      { id: 2, file: TINY, line: 6, logMessage: 'fc1 at step {step}, batch {x.shape[0]}' },
    ],
  });
  let p = await paused;
  assert.equal(p.reason, 'breakpoint');
  assert.equal(p.step, 2, 'the third hit is the third training step (the shape look-ahead does not count)');
  assert.equal(p.frames[0].layerId, '1');
  assert.equal(p.frames[0].source?.line, reluLine);
  const x = await client.request({ type: 'evaluate', expression: 'x.shape' });
  assert.equal(x.result, '[16, 8]');
  const logs = ofType(messages, 'log').filter((l) => l.message.startsWith('fc1'));
  assert.deepEqual(logs.map((l) => l.message), ['fc1 at step 0, batch 16', 'fc1 at step 1, batch 16', 'fc1 at step 2, batch 16']);

  await client.request({ type: 'setBreakpoints', layers: [] });
  paused = waitFor(client, isPaused);
  await client.request({ type: 'resume' });
  await client.request({ type: 'pause' });
  p = await paused;
  assert.equal(p.reason, 'pause');
  await client.stop();
  assert.equal(ofType(messages, 'finished')[0].reason, 'stopped');
});

test('an anomaly breakpoint pauses at the first NaN with the op and layer', async () => {
  const { client } = await launch();
  const paused = waitFor(client, isPaused);
  await client.start({ modelFile: path.join(FIXTURES, 'nan-loss.ts'), breakOn: [{ kind: 'nonFinite' }] });
  const p = await paused;
  assert.equal(p.reason, 'anomaly');
  assert.equal(p.anomaly?.kind, 'nonFinite');
  assert.equal(p.anomaly?.op, 'log');
  assert.equal(p.anomaly?.phase, 'forward');
  assert.equal(p.step, 0);
  await client.stop();
});
