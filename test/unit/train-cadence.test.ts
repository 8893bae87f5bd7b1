import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_STATS_INTERVAL, STATS_WARMUP_STEPS, StatsCadence } from '../../engine/train/cadence';

test('a fixed cadence computes statistics every N steps', () => {
  const c = new StatsCadence(4);
  const due: number[] = [];
  for (let step = 0; step < 12; step++) {
    const d = c.due(step);
    if (d) due.push(step);
    c.record(step, 10, d ? 5 : 0, d);
  }
  assert.deepEqual(due, [0, 4, 8]);
});

test('adaptive: statistics every step when they are cheap next to the step (a large model)', () => {
  const c = new StatsCadence(undefined, 0.03);
  for (let step = 0; step < 50; step++) {
    assert.ok(c.due(step), `step ${step}`);
    c.record(step, 100, 1, true); // 1% of the step
  }
  assert.equal(c.interval(), 1);
});

test('adaptive: a tiny fast model gets statistics often enough to keep their cost within the budget', () => {
  const c = new StatsCadence(undefined, 0.03);
  let statsMs = 0;
  let stepMs = 0;
  for (let step = 0; step < 400; step++) {
    const d = c.due(step);
    if (step < STATS_WARMUP_STEPS) assert.ok(d, `every step during the warm-up (step ${step})`);
    c.record(step, 4, d ? 0.6 : 0, d); // statistics cost 15% of a 4 ms step
    if (step >= 100) {
      stepMs += 4;
      if (d) statsMs += 0.6;
    }
  }
  assert.equal(c.interval(), 5); // ceil(0.6 / (0.03 * 4))
  assert.ok(statsMs / stepMs <= 0.03 + 1e-9, `cost ${(100 * statsMs) / stepMs}%`);
});

test('adaptive: the interval is capped so the heatmap keeps a column every few steps', () => {
  const c = new StatsCadence(undefined, 0.03);
  c.record(0, 1, 100, true);
  assert.equal(c.interval(), MAX_STATS_INTERVAL);
});
