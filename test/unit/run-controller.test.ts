// The extension's current run, without VS Code, over an in-memory engine: stopping a run (Cancel in the progress
// notification, palette Stop, panel Stop) lets every consumer see the engine's final `finished` (issue 25 item 1:
// the panel said "Running" and the status bar "finished" while the record said stopped), and a second Train that
// stops the first one says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineMessage } from '../../protocol/messages';
import { RunController, type ActiveRun } from '../../extension/run/runController';
import { statusText } from '../../extension/run/format';
import { connectMemoryEngine, type MemoryEngine } from './memory-engine';

/** An engine that answers stop as ours does: the response, then `finished` (stopped), then it goes away. */
async function stoppableEngine(engines: MemoryEngine[]) {
  const { client, engine } = await connectMemoryEngine({
    stop: (_cmd, e) => {
      setTimeout(() => {
        e.send({ type: 'finished', reason: 'stopped', step: 3, durationMs: 12 });
        setTimeout(() => e.close(), 5);
      }, 5);
    },
  });
  engines.push(engine);
  return client;
}

function harness() {
  const engines: MemoryEngine[] = [];
  const seen: { run: ActiveRun; messages: EngineMessage[] }[] = [];
  const ended: ActiveRun[] = [];
  const notices: string[] = [];
  const controller = new RunController(() => stoppableEngine(engines), {
    started: () => undefined,
    received: (run, messages) => seen.push({ run, messages }),
    ended: (run) => ended.push(run),
    notice: (text) => notices.push(text),
  });
  return { controller, engines, seen, ended, notices };
}

const STEP = { type: 'step', step: 3, epoch: 0, batch: 3, batchesPerEpoch: 10, loss: 0.5, lr: 0.1, samplesPerSec: 100, stepMs: 10 } as const;

test('stopping the current run delivers the final finished (stopped) to every consumer', async () => {
  const { controller, engines, seen, ended } = harness();
  const run = await controller.launch('/w/model.ts', false);
  engines[0].send({ type: 'runStarted', runId: 'r1', modelFile: '/w/model.ts', startedAt: '2026-12-07T00:00:00Z', config: { epochs: 1, batchSize: 10, seed: 0, optimizer: 'SGD', lr: 0.1, backend: 'cpu', trainSize: 100, valSize: 0, histogramEvery: 0 } });
  engines[0].send(STEP);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(run.state.phase, 'running');
  await controller.stopCurrent();
  const last = seen.at(-1)?.messages.at(-1);
  assert.deepEqual(last, { type: 'finished', reason: 'stopped', step: 3, durationMs: 12 });
  assert.equal(run.state.phase, 'finished');
  assert.equal(run.state.finished?.reason, 'stopped');
  assert.deepEqual(ended, [run]);
  assert.match(statusText(run.state), /· stopped$/);
  assert.equal(controller.live, undefined);
});

test('a second Train stops the first run, says so, and the first run still ends as stopped', async () => {
  const { controller, engines, ended, notices } = harness();
  const first = await controller.launch('/w/first.ts', false);
  const second = await controller.launch('/w/second.ts', false);
  assert.equal(first.state.finished?.reason, 'stopped');
  assert.deepEqual(ended, [first]);
  assert.deepEqual(notices, ['Stopped the run of first.ts to start this one.']);
  assert.equal(controller.run, second);
  assert.equal(engines.length, 2);
  await controller.stopCurrent();
});
