// Logpoint text (issue 25): {loss} before the first loss says so instead of "NaN", and numbers are rounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate } from '../../engine/train/inspect';

test('a logpoint prints numbers with 4 significant digits and integers as they are', () => {
  assert.equal(interpolate('loss {loss} at {step}', { loss: 0.6931471805599453, step: 12 }), 'loss 0.6931 at 12');
  assert.equal(interpolate('{x}', { x: 1.23456789e-7 }), '1.235e-7');
  assert.equal(interpolate('{x}', { x: Infinity }), 'Infinity');
});

test('{loss} before the first loss reads "none yet"; a NaN loss later stays NaN', () => {
  assert.equal(interpolate('loss {loss}', { loss: NaN, step: 0 }), 'loss none yet');
  assert.equal(interpolate('loss {loss}', { loss: NaN, step: 40 }), 'loss NaN');
});

test('a failing expression names its error in place', () => {
  assert.match(interpolate('{nope}', {}), /^<.*nope.*>$/);
});
