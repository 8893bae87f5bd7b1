import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activationStats, histogram, unitActivity } from '../../engine/monitor/tensor-stats';
import { computeLayerHistograms, computeLayerStats } from '../../engine/monitor/layer-stats';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../protocol/thresholds';

const f32 = (xs: number[]) => Float32Array.from(xs);

test('layer stats: gradient norm, mean |g|, zero fraction, weight norm and update ratio', () => {
  const s = computeLayerStats(
    { id: 'fc', type: 'Linear', params: [{ data: f32([3, 4]), grad: f32([0, -2]), before: f32([3, 3]) }, { data: f32([0]), grad: f32([1]), before: f32([0]) }] },
    DEFAULT_THRESHOLDS,
  );
  assert.equal(s.gradNorm, Math.sqrt(5));
  assert.equal(s.gradMeanAbs, 1);
  assert.equal(s.gradZeroFrac, 1 / 3);
  assert.equal(s.weightNorm, 5);
  assert.equal(s.updateRatio, 1 / 5);
});

test('layer stats: weight norm and update ratio from the optimizer\'s update norms, without a snapshot', () => {
  const s = computeLayerStats(
    { id: 'fc', type: 'Linear', params: [{ data: f32([3, 4]), grad: f32([1, 1]), updateNorm: 0.3 }, { data: f32([0]), grad: f32([1]), updateNorm: 0.4 }] },
    DEFAULT_THRESHOLDS,
  );
  assert.equal(s.weightNorm, 5);
  assert.ok(Math.abs((s.updateRatio as number) - 0.5 / 5) < 1e-12);
});

test('layer stats: no update ratio without a snapshot, no gradient fields without gradients', () => {
  const s = computeLayerStats({ id: 'fc', type: 'Linear', params: [{ data: f32([1]), grad: null }] }, DEFAULT_THRESHOLDS);
  assert.equal(s.updateRatio, undefined);
  assert.equal(s.weightNorm, undefined);
  assert.equal(s.gradNorm, undefined);
});

test('activation stats: moments, zeros, non-finite values; saturation measured on the tanh input', () => {
  const a = activationStats(f32([0, 1, -1, 2, NaN]));
  assert.equal(a.mean, 0.5);
  assert.equal(a.min, -1);
  assert.equal(a.max, 2);
  assert.equal(a.zeroFrac, 1 / 5);
  assert.equal(a.nonFinite, 1);
  assert.ok(Math.abs(a.std - Math.sqrt(1.25)) < 1e-12);
  const s = computeLayerStats({ id: 't', type: 'Tanh', params: [], act: f32([1, 1, 0, -1]), input: f32([12, 10, 0, -9.6]) }, DEFAULT_THRESHOLDS);
  assert.equal(s.act?.satFrac, 0.75);
  const r = computeLayerStats({ id: 'r', type: 'ReLU', params: [], act: f32([0, 5]), input: f32([-100, 5]) }, DEFAULT_THRESHOLDS);
  assert.equal(r.act?.satFrac, 0, 'ReLU has no saturation range');
});

test('histogram: equal-width bins over the finite range', () => {
  const h = histogram(f32([0, 1, 2, 3, Infinity]), 3);
  assert.deepEqual(h, { min: 0, max: 3, counts: [1, 1, 2] });
  assert.deepEqual(histogram(f32([2, 2]), 4).counts, [2, 0, 0, 0]);
  const lh = computeLayerHistograms({ id: 'x', type: 'Linear', params: [{ data: f32([1]), grad: f32([1]) }, { data: f32([1]), grad: f32([3]) }] }, 2);
  assert.deepEqual(lh.gradient?.counts, [1, 1]);
});

test('unit activity: per channel over batch and positions', () => {
  // [batch 2, channels 2, positions 2]
  const act = unitActivity(f32([1, 0, 0, 0, 1, 1, 0, 0]), [2, 2, 2]);
  assert.deepEqual(Array.from(act), [0.75, 0]);
});

test('thresholds: overrides apply, unknown or non-finite values are ignored', () => {
  const th = resolveThresholds({ lossSpikeRatio: 3, patience: NaN, nope: 1 } as never);
  assert.equal(th.lossSpikeRatio, 3);
  assert.equal(th.patience, DEFAULT_THRESHOLDS.patience);
  assert.equal((th as unknown as Record<string, unknown>).nope, undefined);
});
