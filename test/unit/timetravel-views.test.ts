// Where time travel shows outside the debugger: the panel's store keeps each timeTravel event for the loss chart's
// markers (and forgets them with a new run), and the HTML report keeps them from the record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineMessage } from '../../protocol/messages';
import { RunStore } from '../../webview/store';
import { reportable, ReportReducer } from '../../webview/report-reducer';

const travel: EngineMessage = {
  type: 'timeTravel',
  event: { kind: 'recover', fromStep: 13, toStep: 13, snapshotStep: 10, skipped: [{ epoch: 1, batch: 1 }], anomaly: 'nonFinite', message: 'Recovered from nonFinite at step 13' },
};

test('the panel store keeps timeTravel events for the markers, its status line follows the run back, and a new run starts without them', () => {
  const store = new RunStore();
  const started = (runId: string): EngineMessage => ({ type: 'runStarted', runId, modelFile: '/m.ts', startedAt: '', config: { epochs: 1, batchSize: 1, seed: 0, optimizer: 'SGD', lr: 0.1, backend: 'cpu', trainSize: 1, valSize: 0, histogramEvery: 50 } });
  const step = (n: number, loss: number): EngineMessage => ({ type: 'step', step: n, epoch: 1, batch: n - 12, batchesPerEpoch: 12, loss, lr: 0.1, samplesPerSec: 1, stepMs: 1 });
  const ch = store.ingest([started('a'), step(11, 0.5), step(12, 0.4), step(13, NaN), travel]);
  assert.equal(ch.anomalies, true, 'the markers redraw');
  assert.deepEqual(store.travels.map((e) => [e.kind, e.toStep]), [['recover', 13]]);
  // The status line follows the run back: step 13 again, after step 12's loss (not the NaN of the step left behind).
  assert.deepEqual([store.status.step, store.status.loss], [13, 0.4]);
  store.ingest([started('b')]);
  assert.deepEqual(store.travels, []);
});

test('the report keeps timeTravel messages and skips malformed ones', () => {
  assert.equal(reportable(travel), true);
  assert.equal(reportable({ type: 'timeTravel', event: { kind: 'recover', message: 'no step' } }), false);
  const r = new ReportReducer();
  r.push(travel);
  r.push({ type: 'timeTravel' });
  const out = r.result();
  assert.deepEqual(out.messages.filter((m) => m.type === 'timeTravel'), [travel]);
  assert.equal(out.skipped, 1);
});
