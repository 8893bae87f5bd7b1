// Step Into as VS Code shows it (issue 25, item 3): the debug adapter driven as a DAP client, over in-memory
// streams, against the real engine child (dist/engine-child.js, built by `npm run build`). The layer it stops in
// shows its input at a forward stop and its output gradient at a backward stop; the layers that ran before show
// their output; frames say forward or backward; shapes are the run's batch of 16.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launchEngine } from '../../host/launch';
import { GradlensDebugSession } from '../../extension/debug/adapter';
import { TrainingRuntime } from '../../extension/debug/runtime';
import { DapClient } from './adapter-dap-client';

const root = path.resolve(import.meta.dirname, '..', '..');
const childPath = path.join(root, 'dist', 'engine-child.js');
let dir: string;
let modelFile: string;

const MODEL = `import { nn, optim, data, defineTraining } from 'gradlens';

const model = new nn.Sequential(
  new nn.Linear(2, 16),
  new nn.Tanh(),
  new nn.Linear(16, 3),
);

export default defineTraining({
  model,
  data: data.blobs({ n: 400, centers: 3, std: 2 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.05 }),
  batchSize: 16,
});
`;
const TANH_LINE = 5;

before(() => {
  assert.ok(existsSync(childPath), `${childPath} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'gradlens-step-into-'));
  modelFile = path.join(dir, 'model.ts');
  writeFileSync(modelFile, MODEL);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function variables(client: DapClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await client.ok<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
}

/** The top frame's name and the variables of its Layer scope, plus those of another layer's frame by line. */
async function stopView(client: DapClient, otherLine?: number) {
  const stack = (await client.ok<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 })).body.stackFrames;
  const layerVars = async (frame: DebugProtocol.StackFrame) => {
    const scopes = (await client.ok<DebugProtocol.ScopesResponse>('scopes', { frameId: frame.id })).body.scopes;
    assert.match(scopes[0].name, /^Layer /);
    return new Map((await variables(client, scopes[0].variablesReference)).map((v) => [v.name, v.value]));
  };
  const other = otherLine === undefined ? undefined : stack.find((f) => f.line === otherLine && f !== stack[0]);
  return { name: stack[0].name, vars: await layerVars(stack[0]), other: other ? await layerVars(other) : undefined };
}

test('Step Into shows the input of the layer it stops in, the output of the layers before, and the output gradient', async () => {
  const runtime = new TrainingRuntime(async () => launchEngine({ childPath, cwd: dir, execArgv: ['--enable-source-maps'] }));
  const client = new DapClient(new GradlensDebugSession(runtime));
  await client.ok('initialize', { adapterID: 'gradlens', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = client.waitForEvent('initialized');
  const launched = client.request('launch', { program: modelFile, maxSteps: 20, startOptions: { modelFile, backend: 'cpu' } });
  await initialized;
  await client.ok('setExceptionBreakpoints', { filters: [] });
  await client.ok('setBreakpoints', { source: { path: modelFile }, breakpoints: [{ line: TANH_LINE }] });
  await client.ok('configurationDone');
  assert.ok((await launched).success);
  await client.waitForEvent('stopped', 60_000);

  // At Tanh's forward: its input, and no output yet.
  let view = await stopView(client, TANH_LINE - 1);
  assert.equal(view.name, 'Tanh() (1) · forward');
  assert.match(view.vars.get('input') ?? '', /^\[16, 16\] mean=/);
  assert.match(view.vars.get('activations') ?? '', /has not run yet on step 0/);
  assert.match(view.other?.get('activations') ?? '', /^\[16, 16\] mean=/, 'the Linear before it ran: its output');

  await client.ok('setBreakpoints', { source: { path: modelFile }, breakpoints: [] });
  await client.ok('stepIn', { threadId: 1 });
  await client.waitForEvent('stopped', 30_000);
  view = await stopView(client, TANH_LINE);
  assert.equal(view.name, 'Linear(16, 3) (2) · forward');
  assert.match(view.vars.get('input') ?? '', /^\[16, 16\] /);
  assert.match(view.other?.get('activations') ?? '', /^\[16, 16\] mean=/, 'Tanh ran: its output');

  await client.ok('stepIn', { threadId: 1 });
  await client.waitForEvent('stopped', 30_000);
  view = await stopView(client);
  assert.equal(view.name, 'Linear(16, 3) (2) · backward');
  assert.match(view.vars.get('output gradient') ?? '', /^\[16, 3\] mean=/);
  assert.match(view.vars.get('activations') ?? '', /^\[16, 3\] mean=/);
  assert.equal(view.vars.has('input'), false, 'a backward stop has no input row');

  const terminated = client.waitForEvent('terminated', 30_000);
  await client.ok('terminate', {});
  await terminated;
  await client.ok('disconnect', {});
});
