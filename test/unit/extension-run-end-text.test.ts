// The wording of a run's end in the Output channel and the status bar (issue 25: a failed run read "finished (error)
// after -1 steps in 575.121277 ms" and showed a "finished" check mark).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationText, endedWithoutSteps, finishedLine } from '../../extension/editor/runEndText';

test('a run that failed before its first step says so, with a rounded duration', () => {
  assert.equal(finishedLine({ type: 'finished', reason: 'error', step: -1, durationMs: 575.121277 }), 'run failed before the first step in 575 ms');
  assert.equal(finishedLine({ type: 'finished', reason: 'completed', step: 375, durationMs: 12_345.6 }), 'run completed after 375 steps in 12.3 s');
  assert.equal(finishedLine({ type: 'finished', reason: 'stopped', step: 1, durationMs: 125_400 }), 'run stopped after 1 step in 2 min 5 s');
});

test('durations never print raw float milliseconds', () => {
  assert.equal(durationText(0.4), '0 ms');
  assert.equal(durationText(999.6), '1000 ms');
  assert.equal(durationText(1000), '1.0 s');
  assert.equal(durationText(NaN), 'an unknown time');
});

test('the status bar of a run without steps: failed and stopped are not "finished"', () => {
  assert.deepEqual(endedWithoutSteps('error'), { icon: '$(error)', text: 'failed before the first step' });
  assert.equal(endedWithoutSteps('stopped').icon, '$(debug-stop)');
  assert.doesNotMatch(endedWithoutSteps('error').text, /finished/);
});
