import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../protocol/thresholds';
import { CONVERGED_FRACTION, LossProgress, RECENT_WINDOW } from '../../engine/monitor/loss-progress';
import { sample } from './monitor-helpers';

const th = DEFAULT_THRESHOLDS;

function progress(losses: number[]): LossProgress {
  const p = new LossProgress();
  losses.forEach((l, i) => p.observe(sample(i, l), th));
  return p;
}

test('loss progress: converged once the recent mean is below a tenth of the first warmupSteps losses', () => {
  const start = Array.from({ length: th.warmupSteps }, () => 1);
  assert.equal(progress([...start, ...Array.from({ length: RECENT_WINDOW }, () => 0.2)]).converged, false);
  const p = progress([...start, ...Array.from({ length: RECENT_WINDOW }, () => CONVERGED_FRACTION * 0.9)]);
  assert.equal(p.converged, true);
  assert.equal(p.start, 1);
  // A loss that climbs back (a learning-rate jump) is no longer converged.
  assert.equal(progress([...start, ...Array.from({ length: RECENT_WINDOW }, () => 0.05), ...Array.from({ length: 60 }, () => 2)]).converged, false);
});

test('loss progress: a loss that starts at or below zero never counts as converged; non-finite losses are skipped', () => {
  assert.equal(progress(Array.from({ length: 300 }, (_, i) => -1 - i)).converged, false);
  assert.equal(progress([NaN, Infinity]).start, undefined);
  assert.equal(progress([]).converged, false);
});

test('loss progress: one confidently wrong batch in a converged run does not make it unconverged (median)', () => {
  // Measured: a loss of 3.1 among losses of 1e-7 at step 135,296 of a 300,000-step tanh two-moons run.
  const start = Array.from({ length: th.warmupSteps }, () => 0.57);
  const tail = Array.from({ length: RECENT_WINDOW }, (_, i) => (i === 60 ? 3.1 : 1e-7));
  assert.equal(progress([...start, ...tail]).converged, true);
});
