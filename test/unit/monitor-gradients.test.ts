import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../protocol/thresholds';
import { VanishingGradientDetector } from '../../engine/monitor/detectors/vanishing-gradient';
import { ExplodingGradientDetector } from '../../engine/monitor/detectors/exploding-gradient';
import { UpdateRatioDetector } from '../../engine/monitor/detectors/update-ratio';
import type { Anomaly } from '../../protocol/messages';
import { grads, sample } from './monitor-helpers';

const th = DEFAULT_THRESHOLDS;

test('vanishing: AUTOTRAINER ratio fires at the first layer after `patience` steps, once per episode', () => {
  const d = new VanishingGradientDetector();
  const fired = [];
  for (let s = 0; s < 6; s++) fired.push(...d.observe(sample(s, 2.3, { stats: grads([1e-6, 0.5]) }), th));
  assert.equal(fired.length, 1);
  const a = fired[0];
  assert.equal(a.kind, 'vanishingGradient');
  assert.equal(a.step, th.patience - 1);
  assert.equal(a.layer?.id, '0');
  assert.equal(a.layer?.source?.line, 4);
  assert.equal(a.rule.id, 'autotrainer.vanishing');
  assert.equal(a.rule.thresholds.vanishingRatio, 1e-3);
  assert.ok(Math.abs((a.evidence.ratio as number) - 2e-6) < 1e-12);
  assert.match(a.hint, /ReLU|init/i);
});

test('vanishing: healthy gradients and a small ratio with a large first norm do not fire', () => {
  const d = new VanishingGradientDetector();
  for (let s = 0; s < 10; s++) {
    assert.deepEqual(d.observe(sample(s, 1, { stats: grads([0.3, 0.5]) }), th), []);
    // ratio 1e-4 but the first layer's norm (1e-3) is above vanishingFirstNorm: AUTOTRAINER needs both.
    assert.deepEqual(d.observe(sample(s, 1, { stats: grads([1e-3, 10]) }), th), []);
  }
});

test('vanishing: SageMaker mean |grad| rule fires on its own', () => {
  const d = new VanishingGradientDetector();
  const out = [];
  for (let s = 0; s < 3; s++) out.push(...d.observe(sample(s, 1, { stats: grads([0.2, 0.5], [1e-9, 1e-3]) }), th));
  assert.equal(out.length, 1);
  assert.equal(out[0].rule.id, 'sagemaker.vanishing');
});

test('vanishing: re-arms only after the condition has been clear for `patience` steps', () => {
  const d = new VanishingGradientDetector();
  const bad = () => d.observe(sample(0, 1, { stats: grads([1e-7, 1]) }), th).length;
  const good = () => d.observe(sample(0, 1, { stats: grads([0.5, 1]) }), th).length;
  let n = 0;
  for (let i = 0; i < 3; i++) n += bad();
  assert.equal(n, 1);
  // One healthy step in a vanishing run is flicker, not recovery.
  n += good();
  for (let i = 0; i < 3; i++) n += bad();
  assert.equal(n, 1);
  for (let i = 0; i < th.patience; i++) n += good();
  for (let i = 0; i < 3; i++) n += bad();
  assert.equal(n, 2);
});

test('exploding: ratio > 70 fires at the first layer; 50 does not', () => {
  const d = new ExplodingGradientDetector();
  for (let s = 0; s < 5; s++) assert.deepEqual(d.observe(sample(s, 1, { stats: grads([50, 1]) }), th), []);
  const out = [];
  for (let s = 0; s < 5; s++) out.push(...d.observe(sample(s, 1, { stats: grads([80, 1]) }), th));
  assert.equal(out.length, 1);
  assert.equal(out[0].rule.id, 'autotrainer.exploding');
  assert.equal(out[0].layer?.id, '0');
  assert.equal(out[0].evidence.ratio, 80);
});

test('exploding: absolute norm ceiling fires on the layer that exceeds it', () => {
  const d = new ExplodingGradientDetector();
  const out = [];
  for (let s = 0; s < 3; s++) out.push(...d.observe(sample(s, 1, { stats: grads([2e4, 1e4 * 3]) }), th));
  assert.deepEqual(out.map((a) => a.layer?.id).sort(), ['0', '2']);
  assert.ok(out.every((a) => a.rule.id === 'gradlens.explodingNorm'));
});

test('updateRatio: outside [1e-8, 10] fires, 1e-3 does not, zero-gradient layers are ignored', () => {
  const d = new UpdateRatioDetector();
  const st = (r: number, g = 1) => [{ id: '0', gradNorm: g, updateRatio: r, weightNorm: 1 }];
  for (let s = 0; s < 5; s++) assert.deepEqual(d.observe(sample(s, 1, { stats: st(1e-3) }), th), []);
  for (let s = 0; s < 5; s++) assert.deepEqual(d.observe(sample(s, 1, { stats: st(0, 0) }), th), []);
  const hi = [];
  for (let s = 0; s < 5; s++) hi.push(...d.observe(sample(s, 1, { stats: st(20) }), th));
  assert.equal(hi.length, 1);
  assert.match(hi[0].hint, /lower the learning rate/i);
  const d2 = new UpdateRatioDetector();
  const lo = [];
  for (let s = 0; s < 5; s++) lo.push(...d2.observe(sample(s, 1, { stats: st(1e-9) }), th));
  assert.equal(lo.length, 1);
  assert.match(lo[0].hint, /raise the learning rate/i);
});

test('updateRatio: a tiny update on a converged run is convergence; a large one still fires', () => {
  const st = (r: number) => [{ id: '0', gradNorm: 1e-6, updateRatio: r, weightNorm: 40 }];
  // The loss fell from 0.7 to 0.001: the updates shrink with the gradients, as they should.
  const loss = (s: number) => (s < 30 ? 0.7 : 0.001);
  const d = new UpdateRatioDetector();
  const out: Anomaly[] = [];
  for (let s = 0; s < 200; s++) out.push(...d.observe(sample(s, loss(s), { stats: s >= 150 ? st(1e-10) : undefined }), th));
  assert.deepEqual(out.map((a) => a.message), []);
  for (let s = 200; s < 205; s++) out.push(...d.observe(sample(s, loss(s), { stats: st(20) }), th));
  assert.equal(out.length, 1);
  assert.match(out[0].message, /above/);
});

test('vanishing: the mean |grad| rule is silent on a converged run; AUTOTRAINER\'s ratio still judges it', () => {
  const loss = (s: number) => (s < 30 ? 0.7 : 1e-5);
  const d = new VanishingGradientDetector();
  const out: Anomaly[] = [];
  // Every layer's gradient is tiny because the loss is (measured: 66 warnings on a 50,000-step two-moons MLP).
  for (let s = 0; s < 200; s++) out.push(...d.observe(sample(s, loss(s), { stats: s >= 150 ? grads([2e-7, 5e-7], [1e-8, 3e-8]) : undefined }), th));
  assert.deepEqual(out.map((a) => a.message), []);
  // The first layer gets a thousandth of the last one's gradient: vanishing, converged or not.
  for (let s = 200; s < 205; s++) out.push(...d.observe(sample(s, loss(s), { stats: grads([1e-8, 1e-3], [1e-10, 1e-5]) }), th));
  assert.equal(out.length, 1);
  assert.equal(out[0].rule.id, 'autotrainer.vanishing');
});

test('updateRatio: the low bound follows a schedule that lowers the learning rate; at the peak rate it fires', () => {
  const st = (r: number) => [{ id: '0', gradNorm: 0.5, updateRatio: r, weightNorm: 3 }];
  // Cosine decay from 0.1 to 1e-6 by step 100: a 1e-5-fold smaller lr gives a 1e-5-fold smaller update (1e-3 -> 1e-8).
  const d = new UpdateRatioDetector();
  const out: Anomaly[] = [];
  for (let s = 0; s <= 110; s++) {
    // ...then held at its floor for 10 steps, where the ratio (9e-9) is below the unscaled bound.
    const lr = s >= 100 ? 1e-6 : 1e-6 + (0.1 - 1e-6) * 0.5 * (1 + Math.cos((Math.PI * s) / 100));
    out.push(...d.observe(sample(s, 1, { lr, stats: st(1e-2 * lr * 0.9) }), th));
  }
  assert.deepEqual(out.map((a) => a.message), []);
  // The same ratio at the run's peak learning rate is a layer that does not learn.
  for (let s = 111; s < 116; s++) out.push(...d.observe(sample(s, 1, { lr: 0.1, stats: st(9e-9) }), th));
  assert.equal(out.length, 1);
  assert.equal(out[0].evidence.lowBound, th.updateRatioLow);
});
