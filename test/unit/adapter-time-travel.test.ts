// Time travel as VS Code drives it, over the in-memory engine: the adapter declares supportsStepBack, Step Back and
// Reverse Continue become the engine's stepBack / reverseContinue, the Debug Console's `skip`, `halve` and
// `lr /= 2` become skipBatch / scaleLearningRate, the engine's timeTravel message is written to the Debug Console,
// and an engine's refusal reaches the user as the request's error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineMessage, HostCommand, StepTrace } from '../../protocol/messages';
import { traceText } from '../../extension/debug/trace-text';
import { GradlensDebugSession, parseTimeTravelCommand } from '../../extension/debug/adapter';
import { TrainingRuntime } from '../../extension/debug/runtime';
import { DapClient } from './adapter-dap-client';
import { connectMemoryEngine, type MemoryEngine } from './memory-engine';

const paused = (step: number, description = `Paused before step ${step}`): EngineMessage => ({
  type: 'paused',
  step,
  reason: 'step',
  description,
  frames: [{ id: 1, name: `train step ${step}`, source: { file: '/work/model.ts', line: 3, column: 1 } }],
});

async function session() {
  let engine: MemoryEngine | undefined;
  // The engine answers as the real one does: the response first, then it moves, then it stops where it arrived.
  const later = (e: MemoryEngine, ...msgs: EngineMessage[]) => setTimeout(() => msgs.forEach((m) => e.send(m)), 5);
  const runtime = new TrainingRuntime(async () => {
    const c = await connectMemoryEngine({
      start: (_cmd, e) => {
        const step = (n: number): EngineMessage => ({ type: 'step', step: n, epoch: 0, batch: n, batchesPerEpoch: 10, loss: 1 - n / 20, lr: 0.1, samplesPerSec: 0, stepMs: 1 });
        later(e, ...[0, 1, 2, 3, 4, 5, 6].map(step), paused(7));
      },
      stepBack: (_cmd, e) => {
        later(e, { type: 'resumed', step: 7 }, { type: 'timeTravel', event: { kind: 'stepBack', fromStep: 7, toStep: 6, snapshotStep: 5, message: 'back to step 6 (from the snapshot before step 5, replayed).' } }, paused(6, 'Back at step 6, before it runs (Step Back)'));
      },
      evaluate: () => ({ result: '2' }),
      traceStep: (_cmd, e) => {
        later(e, { type: 'resumed', step: 7 }, { type: 'stepTrace', trace: TRACE });
      },
      reverseContinue: () => {
        throw new Error('No anomaly or breakpoint stop before this point to go back to.');
      },
    });
    engine = c.engine;
    return c.client;
  });
  const client = new DapClient(new GradlensDebugSession(runtime));
  const init = await client.ok<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'gradlens', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = client.waitForEvent('initialized');
  const launched = client.request('launch', { program: '/work/model.ts' });
  await initialized;
  await client.ok('configurationDone');
  assert.ok((await launched).success);
  await client.waitForEvent('stopped', 5000);
  if (!engine) throw new Error('no engine');
  return { client, engine, init };
}

const TRACE: StepTrace = {
  step: 7,
  ops: [
    { op: 'linear', phase: 'forward', layerId: '0', shape: [4, 3], mean: 0.1, std: 1, min: -2, max: 3, nonFinite: 0 },
    { op: 'log_softmax', phase: 'forward', layerId: '2', shape: [4, 3], mean: -1, std: 1, min: -40, max: 0, nonFinite: 2 },
  ],
  opsLeftOut: 0,
  firstNonFinite: 1,
  losses: [{ step: 5, loss: 0.5 }, { step: 6, loss: 0.48 }, { step: 7, loss: NaN }],
  gradNorms: [{ layerId: '0', name: 'Linear(2, 3)', norms: [{ step: 5, norm: 1 }, { step: 6, norm: 40 }] }],
  gradJumps: [{ layerId: '0', name: 'Linear(2, 3)', step: 6, ratio: 40 }],
};

const sent = (engine: MemoryEngine, type: HostCommand['type']) => engine.received.filter((c) => c.type === type);

test('Step Back: declared, sent as stepBack, the Debug Console says where the run went, and it stops at the earlier step', async () => {
  const { client, engine, init } = await session();
  assert.equal(init.body?.supportsStepBack, true);
  await client.ok('stepBack', { threadId: 1 });
  const stopped = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 5000);
  assert.equal(stopped.body.description, 'Back at step 6, before it runs (Step Back)');
  assert.equal(sent(engine, 'stepBack').length, 1);
  const out = client.events.filter((e) => e.event === 'output').map((e) => (e as DebugProtocol.OutputEvent).body.output);
  assert.ok(out.some((o) => o.startsWith('⟲ back to step 6')), out.join('|'));
  const frames = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  assert.equal(frames[0].name, 'train step 6');
  // Metrics show where the run is now: before step 6, after step 5 (loss 0.75), not the last step reported (6).
  const scopes = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frames[0].id })).body.scopes;
  const metrics = scopes.find((sc) => sc.name === 'Metrics');
  const vars = (await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: metrics?.variablesReference ?? 0 })).body.variables;
  assert.equal(vars.find((v) => v.name === 'step')?.value, '6');
  assert.match(vars.find((v) => v.name === 'loss')?.value ?? '', /^0\.75/);
});

test("Reverse Continue is sent as reverseContinue, and the engine's refusal is the request's error", async () => {
  const { client, engine } = await session();
  const r = await client.request('reverseContinue', { threadId: 1 });
  assert.equal(r.success, false);
  assert.match(r.message ?? '', /No anomaly or breakpoint stop/);
  assert.equal(sent(engine, 'reverseContinue').length, 1);
});

test('the Debug Console: skip, halve, lr /= 2 and lr *= 0.1 act on the run; other text is still an expression', async () => {
  const { client, engine } = await session();
  const say = async (expression: string) => (await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression, context: 'repl' })).body.result;
  assert.equal(await say('skip'), 'skipping this batch and continuing');
  assert.equal(await say('halve'), 'learning rate x0.5 from this step, continuing');
  await say('lr /= 2');
  await say('lr *= 0.1');
  await say('skipped + 1');
  assert.equal(await say('trace'), 'replaying this step traced, then continuing');
  assert.equal(sent(engine, 'traceStep').length, 1);
  await client.waitForEvent<DebugProtocol.OutputEvent>('output', 5000, (e) => e.body.output.startsWith('⟲ step 7 traced'));
  assert.equal(sent(engine, 'skipBatch').length, 1);
  assert.deepEqual(sent(engine, 'scaleLearningRate').map((c) => (c.type === 'scaleLearningRate' ? c.factor : 0)), [0.5, 0.5, 0.1]);
  assert.deepEqual(sent(engine, 'evaluate').map((c) => (c.type === 'evaluate' ? c.expression : '')), ['skipped + 1']);
});

test('parseTimeTravelCommand reads only the commands', () => {
  assert.deepEqual(parseTimeTravelCommand(' skip this batch; '), { kind: 'skipBatch' });
  assert.deepEqual(parseTimeTravelCommand('halve learning rate'), { kind: 'scaleLearningRate', factor: 0.5 });
  assert.deepEqual(parseTimeTravelCommand('lr/=4'), { kind: 'scaleLearningRate', factor: 0.25 });
  for (const e of ['skipper', 'lr *= 0', 'lr /= -1', 'lr = 2', 'halve(x)']) assert.equal(parseTimeTravelCommand(e), undefined, e);
});

test('a traced step in the Debug Console: the first NaN/Inf op, the first gradient jump, the losses', () => {
  const text = traceText(TRACE);
  assert.match(text, /^⟲ step 7 traced: 2 op outputs \(forward and backward\), replayed from step 5\./);
  assert.match(text, /first NaN\/Inf: log_softmax \(forward\) in layer 2, 2 of 12 values, op #2/);
  assert.match(text, /gradient norm left its range first: Linear\(2, 3\) \(0\) at step 6 \(x40\.0 its median\), 1 step before this one/);
  assert.match(text, /loss: 5 0\.500, 6 0\.480, 7 NaN/);
  assert.match(traceText({ ...TRACE, firstNonFinite: undefined, gradJumps: [] }), /no op made a NaN or Inf\.\n {2}no layer's gradient norm left its range/);
});
