import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../protocol/thresholds';
import type { Anomaly } from '../../protocol/messages';
import { LossSpikeDetector } from '../../engine/monitor/detectors/loss-spike';
import { LossPlateauDetector } from '../../engine/monitor/detectors/loss-plateau';
import { OscillationDetector } from '../../engine/monitor/detectors/oscillation';
import type { Detector } from '../../engine/monitor/detector';
import { noise, sample } from './monitor-helpers';

const th = DEFAULT_THRESHOLDS;

function feed(d: Detector, losses: number[]): Anomaly[] {
  const out: Anomaly[] = [];
  losses.forEach((l, i) => out.push(...d.observe(sample(i, l), th)));
  return out;
}

/** A healthy curve: exponential decay with +-30% multiplicative batch noise. */
const healthy = (n: number) => Array.from({ length: n }, (_, i) => (0.1 + 2.2 * Math.exp(-i / 150)) * (1 + 0.3 * noise(i)));

test('lossSpike: a jump to 5x the running loss fires once, within `patience` steps of the jump', () => {
  const losses = healthy(300);
  for (let i = 250; i < 260; i++) losses[i] = 5 * losses[249];
  const out = feed(new LossSpikeDetector(), losses);
  assert.equal(out.length, 1);
  assert.ok(out[0].step >= 250 && out[0].step < 250 + th.patience, `fired at ${out[0].step}`);
  assert.ok((out[0].evidence.ratio as number) > 2);
  assert.ok(['metaseq.ewmRatio', 'llmfoundry.lossSpike'].includes(out[0].rule.id));
});

test('lossSpike: a sustained 2.5x rise fires by the llm-foundry rule after `patience` steps', () => {
  const losses = Array.from({ length: 200 }, (_, i) => 1 + 0.05 * noise(i));
  for (let i = 150; i < 200; i++) losses[i] = 2.5;
  const out = feed(new LossSpikeDetector(), losses);
  assert.equal(out.length, 1);
  assert.equal(out[0].rule.id, 'llmfoundry.lossSpike');
  assert.equal(out[0].step, 150 + th.patience - 1);
});

test('lossSpike: metaseq EWM rule fires on the very step of a 10x jump', () => {
  const losses = Array.from({ length: 200 }, (_, i) => 1 + 0.05 * noise(i));
  losses[150] = 10;
  const out = feed(new LossSpikeDetector(), losses);
  assert.equal(out.length, 1);
  assert.equal(out[0].step, 150);
  assert.equal(out[0].rule.id, 'metaseq.ewmRatio');
});

test('lossSpike: noisy healthy training and single 2x batches do not fire', () => {
  const losses = healthy(2000);
  for (let i = 300; i < 2000; i += 97) losses[i] *= 2.2;
  assert.deepEqual(feed(new LossSpikeDetector(), losses), []);
});

test('lossPlateau: a loss stuck at ln(10) fires after plateauWindow steps; a falling loss does not', () => {
  const stuck = Array.from({ length: 800 }, (_, i) => 2.3026 + 0.002 * noise(i));
  const out = feed(new LossPlateauDetector(), stuck);
  assert.equal(out.length, 1);
  assert.equal(out[0].kind, 'lossPlateau');
  assert.ok((out[0].step as number) >= th.plateauWindow);
  assert.deepEqual(feed(new LossPlateauDetector(), healthy(600)), []);
});

test('oscillation: a loss bouncing up and down without progress fires; noisy descent does not', () => {
  const bouncing = Array.from({ length: 300 }, (_, i) => 1.5 + (i % 2 ? 0.4 : -0.4) + 0.01 * noise(i));
  const out = feed(new OscillationDetector(), bouncing);
  assert.equal(out.length, 1);
  assert.ok((out[0].evidence.signFlipFrac as number) > 0.95);
  assert.deepEqual(feed(new OscillationDetector(), healthy(3000)), []);
});
