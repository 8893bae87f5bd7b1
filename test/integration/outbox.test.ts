// The in-memory transport and the engine's outbox: a slow consumer gets coalesced telemetry but every anomaly,
// epoch and the final message, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryTransportPair } from '../../protocol/transport';
import type { EngineMessage, HostCommand } from '../../protocol/messages';
import { Outbox } from '../../engine/process/outbox';

const step = (n: number): EngineMessage => ({ type: 'step', step: n, epoch: 0, batch: n, batchesPerEpoch: 1000, loss: 1, lr: 0.1, samplesPerSec: 1, stepMs: 1 });

test('memory transport delivers asynchronously, in order, as JSON copies', async () => {
  const [engine, host] = createMemoryTransportPair<EngineMessage, HostCommand>();
  const got: HostCommand[] = [];
  engine.onMessage((m) => got.push(m));
  const cmd: HostCommand = { type: 'setLearningRate', seq: 1, lr: 0.5 };
  assert.equal(host.send(cmd), true);
  assert.equal(got.length, 0, 'not synchronous');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [cmd]);
  assert.notEqual(got[0], cmd);
  host.close();
  assert.equal(host.send(cmd), false);
});

test('outbox: under backlog, steps coalesce to the newest; anomalies and epochs all arrive in order', async () => {
  const [engine, host] = createMemoryTransportPair<EngineMessage, HostCommand>();
  const got: EngineMessage[] = [];
  host.onMessage((m) => got.push(m));
  const outbox = new Outbox(engine, 4);
  const anomaly: EngineMessage = {
    type: 'anomaly',
    anomaly: { kind: 'lossSpike', step: 50, epoch: 0, rule: { id: 'r', description: '', thresholds: {}, source: '' }, evidence: {}, message: 'm', hint: 'h' },
  };
  // Everything is pushed synchronously, as a training loop would, before the transport can deliver anything.
  for (let i = 0; i < 100; i++) {
    outbox.push(step(i));
    if (i === 50) outbox.push(anomaly);
  }
  outbox.push({ type: 'epoch', epoch: 0, step: 100, train: { loss: 1 }, durationMs: 1 });
  outbox.push({ type: 'finished', reason: 'completed', step: 100, durationMs: 1 });
  assert.ok(outbox.coalesced > 80, `coalesced ${outbox.coalesced}`);
  for (let i = 0; i < 50 && got[got.length - 1]?.type !== 'finished'; i++) await new Promise((r) => setTimeout(r, 10));
  const types = got.map((m) => m.type);
  assert.equal(types.filter((t) => t === 'anomaly').length, 1);
  assert.deepEqual(types.slice(-2), ['epoch', 'finished']);
  const steps = got.filter((m): m is Extract<EngineMessage, { type: 'step' }> => m.type === 'step').map((m) => m.step);
  assert.ok(steps.length < 20);
  assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'steps stay in order');
  assert.equal(steps[steps.length - 1], 99, 'the newest step is never lost');
  // The anomaly keeps its place relative to the steps around it.
  const ai = types.indexOf('anomaly');
  assert.ok(got.slice(ai + 1).every((m) => m.type !== 'step' || m.step > 50));
});
