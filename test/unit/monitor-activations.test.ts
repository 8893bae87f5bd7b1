import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../protocol/thresholds';
import { DeadReluDetector, DEAD_RELU_WINDOW } from '../../engine/monitor/detectors/dead-relu';
import { SaturationDetector } from '../../engine/monitor/detectors/saturation';
import { NonFiniteDetector } from '../../engine/monitor/detectors/non-finite';
import type { LayerMeta } from '../../engine/monitor/detector';
import { MLP, sample } from './monitor-helpers';

const th = DEFAULT_THRESHOLDS;

function activity(units: number, deadUnits: number): Float32Array {
  const a = new Float32Array(units).fill(0.5);
  for (let u = 0; u < deadUnits; u++) a[u] = 0.001;
  return a;
}

test('deadRelu: > 50% of units active < 1% of the time over the window fires on the ReLU layer', () => {
  const d = new DeadReluDetector();
  const out = [];
  for (let s = 0; s < DEAD_RELU_WINDOW + 5; s++) {
    out.push(...d.observe(sample(s, 1, { unitActivity: new Map([['1', activity(100, 60)]]) }), th));
  }
  assert.equal(out.length, 1);
  assert.equal(out[0].step, DEAD_RELU_WINDOW - 1);
  assert.equal(out[0].layer?.id, '1');
  assert.equal(out[0].evidence.deadUnits, 60);
  assert.equal(out[0].rule.id, 'sagemaker.deadRelu');
});

test('deadRelu: 40% dead units, or units that are quiet only sometimes, do not fire', () => {
  const d = new DeadReluDetector();
  for (let s = 0; s < DEAD_RELU_WINDOW * 2; s++) {
    const a = activity(100, 40);
    // Units 40..99 are silent on odd steps only: on average active 25% of the time, so alive.
    if (s % 2) for (let u = 40; u < 100; u++) a[u] = 0;
    assert.deepEqual(d.observe(sample(s, 1, { unitActivity: new Map([['1', a]]) }), th), []);
  }
});

test('deadRelu: AUTOTRAINER zero-gradient rule fires for a layer feeding a ReLU, not for the last layer', () => {
  const d = new DeadReluDetector();
  const stats = [
    { id: '0', gradNorm: 1, gradZeroFrac: 0.75 },
    { id: '2', gradNorm: 1, gradZeroFrac: 0.9 },
  ];
  const out = [];
  for (let s = 0; s < 5; s++) out.push(...d.observe(sample(s, 1, { stats }), th));
  assert.equal(out.length, 1);
  assert.equal(out[0].layer?.id, '0');
  assert.equal(out[0].rule.id, 'autotrainer.dyingRelu');
  const d2 = new DeadReluDetector();
  for (let s = 0; s < 5; s++) assert.deepEqual(d2.observe(sample(s, 1, { stats: [{ id: '0', gradZeroFrac: 0.69 }] }), th), []);
});

test('deadRelu: on a converged run exactly-zero gradients are a zero loss gradient, not dead units', () => {
  // Measured: a 200,000-step 2-16-1 MLP on two-moons (loss 1e-7) got 267 dyingRelu warnings from float32 zeros.
  const d = new DeadReluDetector();
  const loss = (s: number) => (s < 30 ? 0.7 : 1e-7);
  const stats = [{ id: '0', gradNorm: 1e-9, gradZeroFrac: 0.9 }];
  const out = [];
  for (let s = 0; s < 200; s++) out.push(...d.observe(sample(s, loss(s), { stats: s >= 150 ? stats : undefined }), th));
  assert.equal(out.length, 0);
});

const TANH: LayerMeta[] = [...MLP.slice(0, 1), { id: '1', name: 'Tanh()', type: 'Tanh' }, MLP[2]];
const act = (satFrac: number) => ({ mean: 0, std: 1, min: -1, max: 1, zeroFrac: 0, satFrac, nonFinite: 0 });

test('saturation: tanh with > 50% saturated inputs fires with the SageMaker thresholds', () => {
  const d = new SaturationDetector();
  const out = [];
  for (let s = 0; s < 5; s++) out.push(...d.observe(sample(s, 1, { layers: TANH, stats: [{ id: '1', act: act(0.8) }] }), th));
  assert.equal(out.length, 1);
  assert.equal(out[0].rule.thresholds.tanhSaturation, 9.4999);
  assert.equal(out[0].evidence.satFrac, 0.8);
});

test('saturation: 30% saturated, or a saturated-looking ReLU, does not fire', () => {
  const d = new SaturationDetector();
  for (let s = 0; s < 5; s++) {
    assert.deepEqual(d.observe(sample(s, 1, { layers: TANH, stats: [{ id: '1', act: act(0.3) }] }), th), []);
    assert.deepEqual(d.observe(sample(s, 1, { stats: [{ id: '1', act: act(0.9) }] }), th), []);
  }
});

test('nonFinite: names the op, the layer and the pass at once; a finite step is silent', () => {
  const d = new NonFiniteDetector();
  assert.deepEqual(d.observe(sample(0, 1)), []);
  const out = d.observe(sample(1, NaN, { nonFinite: { op: 'log', phase: 'forward', layerId: '2', nanCount: 3, infCount: 0 } }));
  assert.equal(out.length, 1);
  assert.equal(out[0].op, 'log');
  assert.equal(out[0].phase, 'forward');
  assert.equal(out[0].layer?.name, 'Linear(256, 10)');
  assert.match(out[0].message, /NaN first produced by log in Linear\(256, 10\)/);
  assert.match(out[0].hint, /epsilon|clamp/);
  assert.deepEqual(d.observe(sample(2, NaN)), [], 'one report per episode');
});

test('nonFinite: a non-finite loss without an op report is reported as the loss', () => {
  const d = new NonFiniteDetector();
  const out = d.observe(sample(3, Infinity));
  assert.equal(out[0].phase, 'loss');
});
