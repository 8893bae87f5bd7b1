// SGD single and multi-step updates, computed by hand from torch.optim.SGD's algorithm for each option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optim } from '../../engine/index';
import { assertNear, f32, param, setGrad } from './optim-helpers';

const P = [1, -2, 0.5];
const G1 = [0.25, -0.5, 2];
const G2 = [-1, 0.125, 0.5];

test('plain SGD: p - lr * g', () => {
  const p = param(P, G1);
  new optim.SGD([p], { lr: 0.1 }).step();
  assertNear(p.data, [0.975, -1.95, 0.3]);
});

test('weight decay adds wd * p to the gradient', () => {
  const p = param(P, G1);
  new optim.SGD([p], { lr: 0.1, weight_decay: 0.5 }).step();
  // d = g + 0.5 p = [0.75, -1.5, 2.25]
  assertNear(p.data, [0.925, -1.85, 0.275]);
});

test('momentum: the buffer starts as the gradient, then buf = m * buf + (1 - dampening) * g', () => {
  const p = param(P, G1);
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
  opt.step();
  // First step: buf = g (dampening does not apply), same as plain SGD.
  assertNear(p.data, [0.975, -1.95, 0.3]);
  setGrad(p, G2);
  opt.step();
  const buf = G1.map((g, i) => 0.9 * g + 0.5 * G2[i]);
  assertNear(p.data, [0.975, -1.95, 0.3].map((x, i) => x - 0.1 * buf[i]));
  assertNear(opt.state.get(p)?.momentum_buffer ?? [], f32(buf), 'momentum_buffer');
});

test('nesterov: step along g + m * buf', () => {
  const p = param(P, G1);
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
  opt.step();
  // buf = g; d = g + 0.9 g = 1.9 g
  const after1 = P.map((x, i) => x - 0.1 * 1.9 * G1[i]);
  assertNear(p.data, after1);
  setGrad(p, G2);
  opt.step();
  const buf = G1.map((g, i) => 0.9 * g + G2[i]);
  assertNear(p.data, after1.map((x, i) => x - 0.1 * (G2[i] + 0.9 * buf[i])));
});

test('momentum with weight decay: the buffer takes the decayed gradient', () => {
  const p = param([2], [1]);
  const opt = new optim.SGD([p], { lr: 0.5, momentum: 0.5, weight_decay: 0.25 });
  opt.step(); // d = 1 + 0.5 = 1.5, buf = 1.5, p = 2 - 0.75 = 1.25
  assertNear(p.data, [1.25]);
  setGrad(p, [1]);
  opt.step(); // d = 1 + 0.3125 = 1.3125, buf = 0.75 + 1.3125 = 2.0625, p = 1.25 - 1.03125
  assertNear(p.data, [0.21875]);
});

test('maximize ascends the gradient', () => {
  const p = param(P, G1);
  new optim.SGD([p], { lr: 0.1, maximize: true }).step();
  assertNear(p.data, [1.025, -2.05, 0.7]);
});

test('momentum 0 keeps momentum_buffer null like PyTorch', () => {
  const p = param(P, G1);
  const opt = new optim.SGD([p], { lr: 0.1 });
  opt.step();
  assert.deepEqual(opt.state.get(p), { momentum_buffer: null });
});

test('SGD needs lr and rejects invalid values with PyTorch messages', () => {
  const p = param(P);
  assert.throws(() => new optim.SGD([p]), /required optimization parameter lr/);
  assert.throws(() => new optim.SGD([p], { lr: -1 }), /^ValueError: Invalid learning rate: -1$/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, momentum: -0.5 }), /Invalid momentum value: -0.5/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, weight_decay: -1 }), /Invalid weight_decay value: -1/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov/);
  // lr given only by the groups is fine.
  assert.doesNotThrow(() => new optim.SGD([{ params: [p], lr: 0.1 }]));
});
