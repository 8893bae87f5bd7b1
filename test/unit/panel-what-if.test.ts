// The panel's "what if" on the host side (extension/panel/whatIf.ts): a run record re-scored with the thresholds the
// webview asks for, through engine/monitor/replay.ts (the live detectors). The record is the sample run with its
// loss six times higher for six steps from step 150.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { makeSampleRun } from '../../scripts/make-sample-run';
import { answerWhatIf, checkedThresholds } from '../../extension/panel/whatIf';

function spikedRecord(): string {
  const run: EngineMessage[] = makeSampleRun({ layers: 4, steps: 300, batchesPerEpoch: 100 }).map((m) =>
    m.type === 'step' && m.step >= 150 && m.step < 156 ? { ...m, loss: m.loss * 6 } : m,
  );
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gradlens-whatif-')), 'run.jsonl');
  writeFileSync(file, run.map((m) => JSON.stringify(m)).join('\n') + '\n');
  return file;
}

test('what if: the default thresholds find the loss spike, lossSpikeRatio=1e9 finds none', async () => {
  const file = spikedRecord();
  const byDefault = await answerWhatIf(file, {}, {}, 'run-1');
  assert.equal(byDefault.error, undefined);
  assert.equal(byDefault.type, 'whatIf');
  assert.equal(byDefault.runId, 'run-1');
  assert.equal(byDefault.steps, 300);
  assert.deepEqual(
    byDefault.anomalies.map((a) => [a.kind, a.step]),
    [['lossSpike', 152]],
  );

  const high = await answerWhatIf(file, { lossSpikeRatio: 1e9 });
  assert.equal(high.error, undefined);
  assert.deepEqual(high.thresholds, { lossSpikeRatio: 1e9 });
  assert.equal(high.steps, 300);
  assert.deepEqual(high.anomalies, []);
});

test('what if: the user\'s threshold settings are the base, the chosen value overrides them', async () => {
  const file = spikedRecord();
  const settingsSilence = await answerWhatIf(file, {}, { lossSpikeRatio: 1e9 });
  assert.deepEqual(settingsSilence.anomalies, []);
  const chosenWins = await answerWhatIf(file, { lossSpikeRatio: 2 }, { lossSpikeRatio: 1e9 });
  assert.deepEqual(
    chosenWins.anomalies.map((a) => a.kind),
    ['lossSpike'],
  );
});

test('what if: a run without a record, or a record that is not one, answers an error instead of throwing', async () => {
  const none = await answerWhatIf(undefined, { lossSpikeRatio: 3 });
  assert.match(none.error ?? '', /no record to re-score/);
  assert.deepEqual(none.anomalies, []);
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-whatif-'));
  const missing = await answerWhatIf(path.join(dir, 'gone.jsonl'), { lossSpikeRatio: 3 });
  assert.match(missing.error ?? '', /Could not re-score .*gone\.jsonl/);
  const junk = path.join(dir, 'junk.jsonl');
  writeFileSync(junk, 'not json\n');
  assert.match((await answerWhatIf(junk, {})).error ?? '', /holds no Gradlens messages/);
});

test('what if: only known, finite thresholds cross from the webview', () => {
  assert.deepEqual(checkedThresholds({ lossSpikeRatio: 3, nope: 1, explodingNorm: Infinity, lossSpikeSigma: '4' }), { lossSpikeRatio: 3 });
  assert.deepEqual(checkedThresholds(null), {});
  assert.deepEqual(checkedThresholds('lossSpikeRatio=3'), {});
});
