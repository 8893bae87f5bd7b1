// nn.utils gradient clipping and parameter flattening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, Tensor } from '../../engine/index';
import { assertNear, param } from './optim-helpers';

const { clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters } = nn.utils;

test('clip_grad_norm_ returns the total 2-norm as a 0-d tensor and scales by max_norm / (norm + 1e-6)', () => {
  const a = param([0, 0], [3, 0]);
  const b = param([0], [4]);
  const norm = clip_grad_norm_([a, b], 1);
  assert.ok(norm instanceof Tensor);
  assert.deepEqual(norm.shape, []);
  assert.equal(norm.item(), 5);
  const c = 1 / (5 + 1e-6);
  assertNear(a.grad?.data ?? [], [3 * c, 0]);
  assertNear(b.grad?.data ?? [], [4 * c]);
});

test('clip_grad_norm_ leaves gradients below max_norm unchanged and skips parameters without grad', () => {
  const a = param([0, 0], [0.3, -0.4]);
  const none = param([1]);
  const norm = clip_grad_norm_([a, none], 10);
  assert.ok(Math.abs(norm.item() - 0.5) < 1e-7);
  assert.deepEqual(Array.from(a.grad?.data ?? []), Array.from(Float32Array.from([0.3, -0.4])));
  assert.equal(none.grad, null);
  assert.equal(clip_grad_norm_([none], 1).item(), 0);
});

test('clip_grad_norm_ with norm_type inf and 1, and a single tensor argument', () => {
  const a = param([0, 0, 0], [1, -6, 2]);
  assert.equal(clip_grad_norm_(a, 3, Infinity).item(), 6);
  assertNear(a.grad?.data ?? [], [0.5, -3, 1]);
  const b = param([0, 0], [1, -3]);
  assert.equal(clip_grad_norm_([b], 2, { norm_type: 1 }).item(), 4);
  assertNear(b.grad?.data ?? [], [0.5, -1.5]);
  const c = param([0], [5]);
  assert.equal(clip_grad_norm_([c], 1, 'inf').item(), 5);
});

test('clip_grad_norm_ with a non-finite norm: scales to NaN by default, throws with error_if_nonfinite', () => {
  const a = param([0, 0], [Infinity, 1]);
  assert.throws(() => clip_grad_norm_([a], 1, 2, true), /The total norm of order 2 for gradients from `parameters` is non-finite/);
  assert.deepEqual(Array.from(a.grad?.data ?? []), [Infinity, 1], 'nothing scaled when it throws');
  assert.equal(clip_grad_norm_([a], 1).item(), Infinity);
  assert.deepEqual(Array.from(a.grad?.data ?? []), [NaN, 0]);
});

test('clip_grad_value_ clamps every gradient to [-v, v]', () => {
  const a = param([0, 0, 0, 0], [0.5, -2, 0.1, NaN]);
  clip_grad_value_([a, param([1])], 0.3);
  assertNear(Array.from(a.grad?.data ?? []).slice(0, 3), [0.3, -0.3, 0.1]);
  assert.ok(Number.isNaN(a.grad?.data[3]));
});

test('parameters_to_vector and vector_to_parameters are inverses', () => {
  const a = param([1, 2, 3, 4]);
  const b = param([5]);
  const v = parameters_to_vector([a, b]);
  assert.deepEqual(Array.from(v.data), [1, 2, 3, 4, 5]);
  vector_to_parameters(v.mul(2), [a, b]);
  assert.deepEqual(Array.from(a.data), [2, 4, 6, 8]);
  assert.deepEqual(Array.from(b.data), [10]);
  assert.throws(() => vector_to_parameters(v, [a]), /the vector has 5 values, the parameters 4/);
});
