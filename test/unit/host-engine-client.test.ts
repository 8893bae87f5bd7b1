// The host's EngineClient over an in-memory transport: the hello handshake, typed requests, and a clean end when
// the engine goes away without `finished`. No process is spawned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryTransportPair } from '../../protocol/transport';
import type { EngineMessage, HostCommand, TensorSummary } from '../../protocol/messages';
import { EngineClient, EngineError, transportPeer } from '../../host/engine-client';
import { ErrorIds } from '../../protocol/error-ids';
import { connectMemoryEngine, MemoryEngine } from './memory-engine';

const SUMMARY: TensorSummary = { name: '0.weight', shape: [2, 2], mean: 0, std: 1, min: -1, max: 1, norm: 2, nanCount: 0, infCount: 0 };

test('requests resolve with the typed body of their response', async () => {
  const { client, engine } = await connectMemoryEngine({
    inspect: () => SUMMARY,
    variables: () => ({ variables: [{ name: 'step', value: '3' }] }),
  });
  const s = await client.request({ type: 'inspect', layerId: '0', what: 'weight' });
  assert.deepEqual(s.shape, [2, 2]);
  const v = await client.request({ type: 'variables', ref: '' });
  assert.equal(v.variables[0].value, '3');
  assert.deepEqual(engine.received.map((c) => c.type), ['inspect', 'variables']);
  assert.deepEqual(engine.received.map((c) => c.seq), [1, 2]);
  client.kill();
});

test('a failed response rejects with the engine error', async () => {
  const { client } = await connectMemoryEngine({
    evaluate: () => {
      throw new Error('x is not defined');
    },
  });
  await assert.rejects(client.request({ type: 'evaluate', expression: 'x' }), (e: unknown) => e instanceof EngineError && e.message === 'x is not defined');
  client.kill();
});

test('connect rejects an engine of another protocol version', async () => {
  const [hostEnd, engineEnd] = createMemoryTransportPair<HostCommand, unknown>();
  const engine = new MemoryEngine(engineEnd, {});
  const connecting = EngineClient.connect(hostEnd, transportPeer(hostEnd), { cwd: '/' });
  engine.hello(999);
  await assert.rejects(connecting, /Engine protocol 999 does not match/);
});

test('an engine that goes away without finished ends the run with an error and finished', async () => {
  const { client, engine } = await connectMemoryEngine();
  const seen: EngineMessage[] = [];
  client.onMessage((m) => seen.push(m));
  const pending = client.request({ type: 'pause' });
  engine.close();
  await assert.rejects(pending, (e: unknown) => e instanceof EngineError && e.info.id === ErrorIds.notRunning);
  await client.exited;
  assert.deepEqual(seen.map((m) => m.type), ['error', 'finished']);
  assert.equal(seen[0].type === 'error' && seen[0].error.id, ErrorIds.processCrashed);
  await assert.rejects(client.request({ type: 'resume' }), EngineError);
});

test('a crash after some steps ends with the number of steps done, not step -1', async () => {
  const { client, engine } = await connectMemoryEngine();
  const seen: EngineMessage[] = [];
  client.onMessage((m) => seen.push(m));
  for (let step = 0; step < 3; step++) {
    engine.send({ type: 'step', step, epoch: 0, batch: step, batchesPerEpoch: 10, loss: 1, lr: 0.1, samplesPerSec: 100, stepMs: 1 });
  }
  // The memory transport delivers on a later tick, as IPC does: the steps arrive before the channel closes.
  while (seen.filter((m) => m.type === 'step').length < 3) await new Promise((r) => setImmediate(r));
  engine.close();
  await client.exited;
  const fin = seen.find((m) => m.type === 'finished');
  assert.equal(fin?.type === 'finished' && fin.step, 3);
  assert.equal(fin?.type === 'finished' && fin.reason, 'error');
  assert.ok(fin?.type === 'finished' && fin.durationMs >= 0);
});
