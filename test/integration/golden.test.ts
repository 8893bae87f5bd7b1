// Golden transcripts of what users see on the wire (test/golden/golden.ts explains and updates them): the protocol
// messages of a short recorded run, and the DAP transcript of a short debug session (stop on a loss spike,
// variables, step, continue), against the real engine child on the cpu backend (bit-for-bit deterministic).
import { after, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../../host/engine-client';
import { launchEngine } from '../../host/launch';
import { GradlensDebugSession } from '../../extension/debug/adapter';
import { TrainingRuntime } from '../../extension/debug/runtime';
import { DapClient } from '../unit/adapter-dap-client';
import { assertGolden, stabilise } from '../golden/golden';
import { CHILD, FIXTURES, ensureBuilt, killAll, runModel } from './harness';

after(killAll);

test('golden: the protocol messages of a short recorded run', async () => {
  const { messages } = await runModel(path.join(FIXTURES, 'tiny.ts'), { backend: 'cpu', maxSteps: 4 });
  const roots = { fixtures: FIXTURES };
  // The per-step statistics' cadence follows the step time after the first steps: keep the types' order and the
  // first layerStats in full.
  let statsSeen = false;
  const lines = messages.flatMap((m) => {
    if (m.type === 'layerStats' || m.type === 'histograms') {
      if (m.type === 'layerStats' && !statsSeen) {
        statsSeen = true;
        return [stabilise(m, roots)];
      }
      return [];
    }
    return [stabilise(m, roots)];
  });
  assertGolden('protocol-run.txt', lines);
});

const SPIKY = `import { nn, optim, data, defineTraining } from 'gradlens';

const model = new nn.Sequential(
  new nn.Linear(2, 4),
  new nn.Tanh(),
  new nn.Linear(4, 3),
);

export default defineTraining({
  model,
  data: data.blobs({ n: 400, centers: 3, std: 2 }),
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

test('golden: the DAP transcript of a debug session stopping on a loss spike', async () => {
  ensureBuilt();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradlens-golden-'));
  const engines: EngineClient[] = [];
  try {
    const modelFile = path.join(dir, 'spiky.ts');
    writeFileSync(modelFile, SPIKY);
    const runtime = new TrainingRuntime(async () => {
      const c = await launchEngine({ childPath: CHILD, cwd: dir, execArgv: ['--enable-source-maps'] });
      engines.push(c);
      return c;
    });
    const client = new DapClient(new GradlensDebugSession(runtime));
    const transcript: unknown[] = [];
    const roots = { dir };
    const call = async <R extends DebugProtocol.Response>(command: string, args?: unknown): Promise<R> => {
      const r = await client.request<R>(command, args);
      transcript.push({ request: command, arguments: stabilise(args ?? null, roots) });
      transcript.push({ response: command, success: r.success, message: r.success ? undefined : r.message, body: stabilise(r.body ?? null, roots) });
      return r;
    };
    const event = async <E extends DebugProtocol.Event>(name: string): Promise<E> => {
      const e = await client.waitForEvent<E>(name, 60_000);
      transcript.push({ event: name, body: stabilise(e.body ?? null, roots) });
      return e;
    };
    const init = await call<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'gradlens', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    void init;
    const initialized = client.waitForEvent('initialized');
    const launched = client.request('launch', { program: modelFile, maxSteps: 120, startOptions: { modelFile, backend: 'cpu' } });
    await initialized;
    await call('setExceptionBreakpoints', { filters: ['lossSpike'] });
    await call('configurationDone');
    const l = await launched;
    transcript.push({ response: 'launch', success: l.success });
    await event('stopped');
    const stack = await call<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const scopes = await call<DebugProtocol.ScopesResponse>('scopes', { frameId: stack.body.stackFrames[0].id });
    for (const s of scopes.body.scopes) await call('variables', { variablesReference: s.variablesReference });
    await call('next', { threadId: 1 });
    await event('stopped');
    await call('continue', { threadId: 1 });
    await event('terminated');
    assertGolden('dap-session.txt', transcript);
  } finally {
    for (const e of engines) e.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
