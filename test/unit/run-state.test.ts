// One reducer of the run's progress (protocol/run-state.ts) under the extension's RunState (status bar), the
// webview's RunStore (panel), the debug runtime and the CLI: on a recorded stream they agree, samples/s leaves
// paused time out (issue 25 item 5), and its memory does not grow with the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineMessage } from '../../protocol/messages';
import { RunProgress } from '../../protocol/run-state';
import { RunState } from '../../extension/run/runState';
import { statusText } from '../../extension/run/format';
import { RunStore } from '../../webview/store';
import { makeSampleRun } from '../../scripts/make-sample-run';

function feed(messages: readonly EngineMessage[]): { state: RunState; store: RunStore } {
  const state = new RunState('/w/model.ts');
  const store = new RunStore();
  for (const m of messages) state.apply(m);
  store.ingest(messages);
  return { state, store };
}

test('the status bar and the panel show the same step and samples/s, running and finished', () => {
  const run = makeSampleRun({ layers: 3, steps: 120 });
  const end = run.findIndex((m) => m.type === 'finished');
  assert.ok(end > 0);
  const running = feed(run.slice(0, end));
  assert.equal(running.state.phase, 'running');
  assert.equal(running.store.status.step, running.state.progress.step);
  assert.equal(running.store.status.samplesPerSec, running.state.samplesPerSec());

  const finished = feed(run);
  const fin = run[end];
  assert.ok(fin.type === 'finished');
  assert.equal(finished.state.progress.step, Math.max(fin.step, 119));
  assert.equal(finished.store.status.step, finished.state.progress.step);
  assert.equal(finished.store.status.samplesPerSec, finished.state.samplesPerSec());
  assert.match(statusText(finished.state), new RegExp(`step ${finished.state.progress.step} `));
});

test('a step a pause fell into does not count towards samples/s', () => {
  const step = (n: number, stepMs: number): EngineMessage => ({ type: 'step', step: n, epoch: 0, batch: n, batchesPerEpoch: 100, loss: 1, lr: 0.1, samplesPerSec: 32_000 / stepMs, stepMs });
  const stream: EngineMessage[] = [step(0, 10), step(1, 10), { type: 'paused', step: 2, reason: 'breakpoint', description: 'bp', frames: [] }];
  const p = new RunProgress();
  for (const m of stream) p.apply(m);
  assert.equal(p.phase, 'paused');
  assert.equal(Math.round(p.samplesPerSec()), 3200);
  // Resumed after 30 s: step 2's duration is mostly the pause.
  for (const m of [{ type: 'resumed', step: 2 } as EngineMessage, step(2, 30_010), step(3, 10)]) p.apply(m);
  assert.equal(Math.round(p.samplesPerSec()), 3200);
  const { store } = feed([...stream, { type: 'resumed', step: 2 }, step(2, 30_010), step(3, 10)]);
  assert.equal(Math.round(store.status.samplesPerSec), 3200);
});

test('the end of a crashed run counts its last step, not -1', () => {
  const p = new RunProgress();
  const stream = makeSampleRun({ layers: 2, steps: 10 }).filter((x) => x.type !== 'finished');
  for (const m of stream) p.apply(m);
  const last = stream.filter((m) => m.type === 'step').at(-1);
  p.apply({ type: 'error', error: { id: 'processCrashed', message: 'gone', showUser: true } });
  p.apply({ type: 'finished', reason: 'error', step: -1, durationMs: 0 });
  assert.equal(p.phase, 'finished');
  assert.equal(p.step, last?.type === 'step' ? last.step : NaN);
  assert.notEqual(p.step, -1);
  assert.equal(p.errors.length, 1);
});

test('the reducer keeps no stream: 200k steps leave it as small as 20', () => {
  const sizeAfter = (n: number): number => {
    const p = new RunProgress();
    for (let i = 0; i < n; i++) {
      p.apply({ type: 'step', step: i, epoch: 0, batch: i, batchesPerEpoch: n, loss: 1 / (i + 1), lr: 0.1, samplesPerSec: 1000, stepMs: 1 });
      if (i % 1000 === 0) p.apply({ type: 'error', error: { id: 'x', message: 'y', showUser: false } });
    }
    return JSON.stringify(p).length;
  };
  assert.ok(sizeAfter(200_000) <= sizeAfter(20) + 2000, 'bounded');
});
