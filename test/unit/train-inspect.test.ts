import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../../engine/train/inspect';

test('tensor summaries: moments of the finite values, NaN and Inf counted apart, values as JSON-safe nulls', () => {
  const s = summarize('w', Float32Array.from([3, -4, NaN, Infinity, 0]), [5], true);
  assert.equal(s.mean, -1 / 3);
  assert.equal(s.min, -4);
  assert.equal(s.max, 3);
  assert.equal(s.norm, 5);
  assert.equal(s.nanCount, 1);
  assert.equal(s.infCount, 1);
  assert.ok(Math.abs(s.std - Math.sqrt(25 / 3 - 1 / 9)) < 1e-12);
  assert.deepEqual(s.values, [3, -4, null, null, 0]);
  assert.deepEqual(s.shape, [5]);
});

test('tensor summaries of an all-NaN tensor report zeros rather than Infinity', () => {
  const s = summarize('g', Float32Array.from([NaN, NaN]), [2]);
  assert.equal(s.min, 0);
  assert.equal(s.max, 0);
  assert.equal(s.nanCount, 2);
  assert.equal(s.values, undefined);
});
