// engine/monitor/replay.ts: a recorded stream of protocol messages replayed through the detectors, with the default
// thresholds or other ones (`gradlens rescore`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineMessage } from '../../protocol/messages';
import { RecordReplay } from '../../engine/monitor/replay';
import { parseThresholds } from '../../cli/rescore';
import { noise } from './monitor-helpers';

/** A steady loss near 1 that jumps to 5x at step 250 for ten steps, as protocol step messages. */
function spikeRun(): EngineMessage[] {
  const out: EngineMessage[] = [{ type: 'graph', graph: { layers: [{ id: '0', name: 'Linear(2, 1)', type: 'Linear', params: [], paramCount: 3 }], totalParams: 3 } }];
  for (let i = 0; i < 300; i++) {
    const loss = i >= 250 && i < 260 ? 5 : 1 + 0.05 * noise(i);
    out.push({ type: 'step', step: i, epoch: 0, batch: i, batchesPerEpoch: 300, loss, lr: 0.1, samplesPerSec: 100, stepMs: 1 });
  }
  out.push({ type: 'anomaly', anomaly: { kind: 'lossSpike', step: 252, epoch: 0, rule: { id: 'gradlens.lossSpike', description: 'recorded', thresholds: {}, source: 'test' }, evidence: {}, message: 'recorded', hint: '' } });
  return out;
}

function replay(thresholds?: Parameters<typeof parseThresholds>[0]) {
  const r = new RecordReplay(thresholds ? parseThresholds(thresholds) : undefined);
  const found = spikeRun().flatMap((m) => r.push(m));
  found.push(...r.finish());
  return { r, found };
}

test('replay: the default thresholds find the loss spike; the record\'s own anomalies are counted apart', () => {
  const { r, found } = replay();
  const spikes = found.filter((a) => a.kind === 'lossSpike');
  assert.equal(spikes.length, 1);
  assert.ok(spikes[0].step >= 250 && spikes[0].step < 260, `spike at ${spikes[0].step}`);
  assert.equal(r.steps, 300);
  assert.equal(r.recorded.get('lossSpike'), 1);
});

test('replay: lossSpikeRatio=1e9 finds no loss spike in the same stream', () => {
  const { found } = replay(['lossSpikeRatio=1e9']);
  assert.deepEqual(found.filter((a) => a.kind === 'lossSpike'), []);
});

test('replay: a loss recorded as null (the wire\'s NaN) is replayed as NaN, as the live run saw it', () => {
  const r = new RecordReplay();
  const wire: unknown = JSON.parse(JSON.stringify({ type: 'step', step: 30, epoch: 0, batch: 30, batchesPerEpoch: 100, loss: NaN, lr: 0.1, samplesPerSec: 1, stepMs: 1 }));
  r.push(wire as EngineMessage);
  const found = r.finish();
  assert.deepEqual(found.map((a) => [a.kind, a.message]), [['nonFinite', 'The loss is NaN at step 30']]);
});

test('rescore thresholds: an unknown name or a non-number is one line naming the valid names', () => {
  assert.throws(() => parseThresholds(['lossSpikeRatoi=3']), (e: Error) => /unknown threshold "lossSpikeRatoi" \(thresholds: .*lossSpikeRatio/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => parseThresholds(['lossSpikeRatio=abc']), /lossSpikeRatio needs a number/);
  assert.throws(() => parseThresholds(['lossSpikeRatio=']), /needs a number/);
  assert.deepEqual(parseThresholds(['lossSpikeRatio=3', 'patience=5']), { lossSpikeRatio: 3, patience: 5 });
});
