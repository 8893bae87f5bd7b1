// RMSprop and Adagrad updates computed by hand from PyTorch 1.13's algorithms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optim } from '../../engine/index';
import { assertNear, param, setGrad } from './optim-helpers';

const P = [1, -2, 0.5];
const G1 = [0.25, -0.5, 2];
const G2 = [-1, 0.125, 0.5];

interface RmsOpts {
  lr: number;
  alpha: number;
  eps: number;
  wd: number;
  momentum: number;
  centered: boolean;
}

function rmspropRef(p0: number[], grads: number[][], o: RmsOpts): number[] {
  const p = p0.slice();
  const sq = p.map(() => 0);
  const ga = p.map(() => 0);
  const buf = p.map(() => 0);
  for (const g of grads) {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + o.wd * p[i];
      sq[i] = o.alpha * sq[i] + (1 - o.alpha) * gi * gi;
      let avg = sq[i];
      if (o.centered) {
        ga[i] = o.alpha * ga[i] + (1 - o.alpha) * gi;
        avg -= ga[i] * ga[i];
      }
      const denom = Math.sqrt(avg) + o.eps;
      if (o.momentum > 0) {
        buf[i] = o.momentum * buf[i] + gi / denom;
        p[i] -= o.lr * buf[i];
      } else {
        p[i] -= (o.lr * gi) / denom;
      }
    }
  }
  return p;
}

const rmsBase: RmsOpts = { lr: 0.01, alpha: 0.99, eps: 1e-8, wd: 0, momentum: 0, centered: false };

test('RMSprop first step: p - lr * g / sqrt((1 - alpha) g^2) = p - lr * sign(g) / sqrt(0.01)', () => {
  const p = param(P, G1);
  new optim.RMSprop([p]).step();
  assertNear(p.data, [0.9, -1.9, 0.4]);
});

for (const [name, o] of [
  ['plain', {}],
  ['momentum', { momentum: 0.9 }],
  ['centered', { centered: true }],
  ['centered + momentum + weight decay + alpha', { alpha: 0.9, momentum: 0.5, centered: true, wd: 0.1 }],
] as Array<[string, Partial<RmsOpts>]>) {
  test(`RMSprop ${name}, two steps`, () => {
    const ref = { ...rmsBase, ...o };
    const p = param(P, G1);
    const opt = new optim.RMSprop([p], { lr: ref.lr, alpha: ref.alpha, momentum: ref.momentum, centered: ref.centered, weight_decay: ref.wd });
    opt.step();
    setGrad(p, G2);
    opt.step();
    assertNear(p.data, rmspropRef(P, [G1, G2], ref), name, 1e-5);
    const st = opt.state.get(p);
    assert.equal(st?.step, 2);
    assert.equal(st?.momentum_buffer !== undefined, ref.momentum > 0, 'momentum_buffer only with momentum');
    assert.equal(st?.grad_avg !== undefined, ref.centered, 'grad_avg only when centered');
  });
}

test('RMSprop rejects invalid hyperparameters', () => {
  const p = param(P);
  assert.throws(() => new optim.RMSprop([p], { lr: -0.1 }), /Invalid learning rate: -0.1/);
  assert.throws(() => new optim.RMSprop([p], { eps: -1 }), /Invalid epsilon value: -1/);
  assert.throws(() => new optim.RMSprop([p], { momentum: -1 }), /Invalid momentum value: -1/);
  assert.throws(() => new optim.RMSprop([p], { weight_decay: -1 }), /Invalid weight_decay value: -1/);
  assert.throws(() => new optim.RMSprop([p], { alpha: -1 }), /Invalid alpha value: -1/);
});

test('Adagrad first step: p - lr * g / (|g| + eps) = p - lr * sign(g)', () => {
  const p = param(P, G1);
  new optim.Adagrad([p], { lr: 0.1 }).step();
  assertNear(p.data, [0.9, -1.9, 0.4]);
});

test('Adagrad accumulates squared gradients and decays lr as lr / (1 + (t - 1) lr_decay)', () => {
  const p = param(P, G1);
  const opt = new optim.Adagrad([p], { lr: 0.1, lr_decay: 0.5, weight_decay: 0.1, initial_accumulator_value: 0.25 });
  opt.step();
  setGrad(p, G2);
  opt.step();
  const ref = P.slice();
  const sum = P.map(() => 0.25);
  [G1, G2].forEach((g, t0) => {
    const clr = 0.1 / (1 + t0 * 0.5);
    for (let i = 0; i < 3; i++) {
      const gi = g[i] + 0.1 * ref[i];
      sum[i] += gi * gi;
      ref[i] -= (clr * gi) / (Math.sqrt(sum[i]) + 1e-10);
    }
  });
  assertNear(p.data, ref, 'params', 1e-5);
  assertNear(opt.state.get(p)?.sum ?? [], sum, 'sum', 1e-5);
});

test('Adagrad has its state from construction, like PyTorch', () => {
  const p = param(P);
  const opt = new optim.Adagrad([p], { initial_accumulator_value: 0.5 });
  assert.equal(opt.state.get(p)?.step, 0);
  assert.deepEqual(Array.from(opt.state.get(p)?.sum ?? []), [0.5, 0.5, 0.5]);
  assert.throws(() => new optim.Adagrad([p], { lr_decay: -1 }), /Invalid lr_decay value: -1/);
  assert.throws(() => new optim.Adagrad([p], { initial_accumulator_value: -1 }), /Invalid initial_accumulator_value value: -1/);
  assert.throws(() => new optim.Adagrad([p], { eps: -1 }), /Invalid epsilon value: -1/);
});
