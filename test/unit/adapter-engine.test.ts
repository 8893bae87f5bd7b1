// The debug adapter driven as a DAP client would drive it, over framed in-memory streams, against the real engine
// child process (dist/engine-child.js, built by `npm run build`) training a small model whose learning rate jumps.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../../host/engine-client';
import { launchEngine } from '../../host/launch';
import { GradlensDebugSession } from '../../extension/debug/adapter';
import { TrainingRuntime } from '../../extension/debug/runtime';
import { DapClient } from './adapter-dap-client';

const root = path.resolve(import.meta.dirname, '..', '..');
const childPath = path.join(root, 'dist', 'engine-child.js');
let dir: string;
let modelFile: string;

// Layers one per line, so a line breakpoint names exactly one layer. The lr jumps 400x at step 40: a loss spike.
const MODEL = `import { nn, optim, data, defineTraining } from 'gradlens';

const model = new nn.Sequential(
  new nn.Linear(2, 16),
  new nn.Tanh(),
  new nn.Linear(16, 3),
);

export default defineTraining({
  model,
  data: data.blobs({ n: 800, centers: 3, std: 2 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.05 }),
  onStep: ({ step, optimizer }) => {
    if (step === 40) for (const g of optimizer.param_groups) g.lr = 20;
  },
  epochs: 5,
  batchSize: 16,
  seed: 3,
});
`;
const FIRST_LAYER_LINE = 4;
const SECOND_LAYER_LINE = 6;

before(() => {
  assert.ok(existsSync(childPath), `${childPath} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'gradlens-adapter-'));
  modelFile = path.join(dir, 'spiky.ts');
  writeFileSync(modelFile, MODEL);
});

// Every engine this file started: a test that fails while its engine is paused must not leave a live child behind,
// or the test runner waits on it forever.
const launched: EngineClient[] = [];
after(() => {
  for (const c of launched) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

function startSession(): { client: DapClient; clients: EngineClient[] } {
  const clients: EngineClient[] = [];
  const runtime = new TrainingRuntime(async () => {
    const c = await launchEngine({ childPath, cwd: dir, execArgv: ['--enable-source-maps'] });
    clients.push(c);
    launched.push(c);
    return c;
  });
  return { client: new DapClient(new GradlensDebugSession(runtime)), clients };
}

/** initialize, launch, breakpoints, configurationDone: the order VS Code uses. */
async function launch(
  client: DapClient,
  opts: { filters?: string[]; filterOptions?: DebugProtocol.ExceptionFilterOptions[]; breakpoints?: DebugProtocol.SourceBreakpoint[]; maxSteps?: number },
): Promise<DebugProtocol.InitializeResponse> {
  const init = await client.ok<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'gradlens', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = client.waitForEvent('initialized');
  const launched = client.request('launch', { program: modelFile, maxSteps: opts.maxSteps ?? 120, startOptions: { modelFile, backend: 'cpu' } });
  await initialized;
  await client.ok('setExceptionBreakpoints', { filters: opts.filters ?? [], filterOptions: opts.filterOptions });
  if (opts.breakpoints) {
    await client.ok('setBreakpoints', { source: { path: modelFile }, breakpoints: opts.breakpoints });
  }
  await client.ok('configurationDone');
  const r = await launched;
  assert.ok(r.success, `launch failed: ${r.message}`);
  return init;
}

async function variables(client: DapClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
}

test('stops on the loss spike with its description, stack, variables; lr set from the console; continue ends', async () => {
  const { client } = startSession();
  const init = await launch(client, { filters: ['lossSpike'] });
  const filters = init.body?.exceptionBreakpointFilters ?? [];
  assert.deepEqual(filters.map((f) => f.label), ['Loss spike', 'NaN/Inf', 'Vanishing gradient', 'Exploding gradient', 'Dead ReLU', 'Saturation']);
  assert.ok(filters.find((f) => f.filter === 'lossSpike')?.default);
  assert.ok(filters.filter((f) => f.filter !== 'nonFinite').every((f) => f.supportsCondition));

  const stopped = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 60_000);
  assert.equal(stopped.body.reason, 'exception');
  assert.match(stopped.body.description ?? '', /^Loss spike at step \d+: \S+ is .+ the mean of the last \d+ steps \(\S+\), for \d+ steps in a row/);

  const info = await client.ok<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
  assert.equal(info.body.exceptionId, 'Loss spike');
  assert.equal(info.body.description, stopped.body.description);

  const stack = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  assert.match(stack[0].name, /train step/i);
  const layerFrame = stack.find((f) => f.source?.path === modelFile && f.line === FIRST_LAYER_LINE);
  assert.ok(layerFrame, `a frame at ${FIRST_LAYER_LINE}: ${JSON.stringify(stack)}`);

  const scopes = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: stack[0].id })).body.scopes;
  assert.deepEqual(scopes.map((s) => s.name), ['Metrics', 'Layers', 'Optimizer', 'Batch']);
  const metrics = await variables(client, scopes[0].variablesReference);
  assert.ok(Number(metrics.find((v) => v.name === 'loss')?.value) > 0);
  const layers = await variables(client, scopes[1].variablesReference);
  assert.ok(layers.length >= 3, JSON.stringify(layers));
  const linear = layers.find((l) => /Linear/.test(l.value));
  assert.ok(linear);
  const tensors = await variables(client, linear.variablesReference);
  const weights = tensors.find((t) => t.name === 'weights');
  assert.match(weights?.value ?? '', /^\[16, 2\] mean=\S+ std=\S+ min=\S+ max=\S+ norm=\S+ NaN=0/);
  const grads = tensors.find((t) => t.name === 'gradients');
  assert.match(grads?.value ?? '', /^\[16, 2\] /);
  const stats = await variables(client, weights!.variablesReference);
  const values = stats.find((s) => s.name === 'values');
  assert.ok(values && values.variablesReference > 0);
  const rows = await variables(client, values.variablesReference);
  assert.equal(rows.length, 16);

  const optimizer = await variables(client, scopes[2].variablesReference);
  assert.equal(optimizer.find((v) => v.name === 'type')?.value, 'SGD', JSON.stringify(optimizer));
  assert.ok(Number(optimizer.find((v) => v.name === 'lr')?.value) > 0, JSON.stringify(optimizer));
  const batch = await variables(client, scopes[3].variablesReference);
  assert.equal(batch.find((v) => v.name === 'x')?.value, '[16, 2]', JSON.stringify(batch));

  const layerScopes = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: layerFrame.id })).body.scopes;
  assert.match(layerScopes[0].name, /^Layer Linear/);

  const set = await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'lr = 0.01', context: 'repl', frameId: stack[0].id });
  assert.equal(set.body.result, 'learning rate set to 0.01');
  const lr = await client.ok<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'optimizer.param_groups[0].lr', context: 'repl' });
  assert.match(lr.body.result, /0\.01/);

  // Continue to the end (the raised lr may spike again: continue through those stops too).
  for (let i = 0; i < 20; i++) {
    const next = client.waitForEvent('stopped', 60_000, () => true, ['terminated']);
    await client.request('continue', { threadId: 1 });
    if ((await next).event === 'terminated') break;
  }
  assert.ok(client.events.some((e) => e.event === 'terminated'), 'the session ended');
  await client.ok('disconnect', {});
});

test('a line breakpoint on a layer stops there; step in/over; a bad condition is refused; stop ends the run', async () => {
  const { client, clients } = startSession();
  await launch(client, {
    filters: [],
    filterOptions: [{ filterId: 'lossSpike', condition: 'not a number' }],
    breakpoints: [{ line: SECOND_LAYER_LINE, hitCondition: '3' }, { line: 2 }],
  });
  const stopped = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 60_000);
  assert.equal(stopped.body.reason, 'breakpoint');
  // An exception filter's condition is its threshold: a number, or the breakpoint is refused with the reason.
  const bad = await client.ok<DebugProtocol.SetExceptionBreakpointsResponse>('setExceptionBreakpoints', {
    filters: [],
    filterOptions: [{ filterId: 'lossSpike', condition: 'not a number' }, { filterId: 'deadRelu', condition: '0.9' }],
  });
  assert.deepEqual(bad.body?.breakpoints?.map((b) => b.verified), [false, true]);
  assert.match(bad.body?.breakpoints?.[0].message ?? '', /threshold, a number/);
  let stack = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  assert.equal(stack[0].line, SECOND_LAYER_LINE);
  // Line 2 builds no layer: unverified once the graph is known.
  const changed = client.events.filter((e) => e.event === 'breakpoint') as DebugProtocol.BreakpointEvent[];
  assert.ok(changed.some((e) => e.body.breakpoint.line === 2 && !e.body.breakpoint.verified));

  await client.ok('stepIn', { threadId: 1 });
  const stepped = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 30_000);
  assert.equal(stepped.body.reason, 'step');
  stack = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  assert.ok(stack[0].source?.path === modelFile, JSON.stringify(stack[0]));

  await client.ok('setBreakpoints', { source: { path: modelFile }, breakpoints: [] });
  await client.ok('next', { threadId: 1 });
  const overed = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 30_000);
  assert.equal(overed.body.reason, 'step');

  const terminated = client.waitForEvent('terminated', 10_000);
  await client.ok('terminate', {});
  await terminated;
  const exit = await clients[0].exited;
  assert.ok(exit.code !== null || exit.signal !== null);
  await client.ok('disconnect', {});
});

test('a model file that does not exist: the error reaches the Debug Console and the session ends', async () => {
  const { client } = startSession();
  const missing = path.join(dir, 'nope.ts');
  await client.ok('initialize', { adapterID: 'gradlens', pathFormat: 'path' });
  const launched = client.request('launch', { program: missing, startOptions: { modelFile: missing } });
  await client.waitForEvent('initialized');
  await client.ok('configurationDone');
  await launched;
  const err = await client.waitForEvent<DebugProtocol.OutputEvent>('output', 30_000, (e) => e.body.category === 'stderr');
  assert.match(err.body.output, /nope\.ts/);
  await client.waitForEvent('terminated', 30_000);
  await client.request('disconnect', {});
});

test('logpoints log without stopping, conditions pick the step, pause stops at a batch boundary', async () => {
  const { client } = startSession();
  await launch(client, {
    maxSteps: 2000,
    breakpoints: [
      { line: FIRST_LAYER_LINE, logMessage: 'first layer at step {step}' },
      { line: SECOND_LAYER_LINE, condition: 'step >= 5' },
    ],
  });
  const logged = await client.waitForEvent<DebugProtocol.OutputEvent>('output', 30_000, (e) => /first layer at step \d+/.test(e.body.output));
  assert.equal(logged.body.category, 'console');
  const stopped = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 30_000);
  assert.equal(stopped.body.reason, 'breakpoint');
  const stack = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  const scopes = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: stack[0].id })).body.scopes;
  const metrics = await variables(client, scopes.find((s) => s.name === 'Metrics')!.variablesReference);
  assert.ok(Number(metrics.find((v) => v.name === 'step')?.value) >= 5, JSON.stringify(metrics));
  // A logpoint never stopped the run: the first stop is the conditional breakpoint's.
  assert.equal(client.events.filter((e) => e.event === 'stopped').length, 1);

  await client.ok('setBreakpoints', { source: { path: modelFile }, breakpoints: [] });
  const continued = client.waitForEvent('continued', 10_000);
  await client.ok('continue', { threadId: 1 });
  await continued;
  await client.ok('pause', { threadId: 1 });
  const paused = await client.waitForEvent<DebugProtocol.StoppedEvent>('stopped', 30_000);
  assert.equal(paused.body.reason, 'pause');

  const terminated = client.waitForEvent('terminated', 10_000);
  await client.ok('terminate', {});
  await terminated;
  await client.ok('disconnect', {});
});
