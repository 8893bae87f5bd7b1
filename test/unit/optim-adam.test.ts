// Adam / AdamW updates computed by hand from the algorithm in PyTorch's docs (bias-corrected moments, L2 vs
// decoupled weight decay, AMSGrad's running maximum).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optim } from '../../engine/index';
import { assertNear, param, setGrad } from './optim-helpers';

const P = [1, -2, 0.5];
const G1 = [0.25, -0.5, 2];
const G2 = [-1, 0.125, 0.5];

/** Float64 Adam over a sequence of gradients, written from the docs' algorithm box. */
function adamRef(p0: number[], grads: number[][], o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean; ams: boolean }): number[] {
  const p = p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vmax = p.map(() => 0);
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i];
      if (o.decoupled) p[i] *= 1 - o.lr * o.wd;
      else gi += o.wd * p[i];
      m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
      vmax[i] = Math.max(vmax[i], v[i]);
      const vhat = (o.ams ? vmax[i] : v[i]) / (1 - o.b2 ** t);
      p[i] -= (o.lr * (m[i] / (1 - o.b1 ** t))) / (Math.sqrt(vhat) + o.eps);
    }
  });
  return p;
}

const base = { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, decoupled: false, ams: false };

test('Adam first step moves every weight by lr * sign(g) (bias correction makes m/sqrt(v) = g/|g|)', () => {
  const p = param(P, G1);
  new optim.Adam([p], { lr: 0.01 }).step();
  assertNear(p.data, [0.99, -1.99, 0.49]);
});

test('Adam defaults (lr 1e-3, betas 0.9/0.999) over two steps', () => {
  const p = param(P, G1);
  const opt = new optim.Adam([p]);
  opt.step();
  setGrad(p, G2);
  opt.step();
  assertNear(p.data, adamRef(P, [G1, G2], base));
  const st = opt.state.get(p);
  assert.equal(st?.step, 2);
  assert.equal(st?.max_exp_avg_sq, undefined, 'no AMSGrad buffer without amsgrad');
});

test('Adam with betas, eps and L2 weight decay', () => {
  const p = param(P, G1);
  const opt = new optim.Adam([p], { lr: 0.02, betas: [0.8, 0.9], eps: 1e-3, weight_decay: 0.1 });
  opt.step();
  setGrad(p, G2);
  opt.step();
  assertNear(p.data, adamRef(P, [G1, G2], { ...base, lr: 0.02, b1: 0.8, b2: 0.9, eps: 1e-3, wd: 0.1 }));
});

test('Adam weight decay joins the gradient: the first step is lr * sign(g + wd * p)', () => {
  // g + 0.5 p = [0.75, -1.5, 2.25] for P = [1, -2, 0.5]; and for the first weight with g = -0.25, 0.25 flips the sign.
  const p = param([1, -2, 0.5], [-1, -0.5, 2]);
  new optim.Adam([p], { lr: 0.1, weight_decay: 1.5 }).step();
  // d = [-1 + 1.5, -0.5 - 3, 2 + 0.75] = [0.5, -3.5, 2.75]
  assertNear(p.data, [0.9, -1.9, 0.4]);
});

test('AMSGrad divides by the running maximum of the second moment, so it departs from Adam once v falls', () => {
  const grads = [G1, G1.map((g) => g / 10), G2];
  const run = (amsgrad: boolean): Float32Array => {
    const p = param(P);
    // beta2 = 0.5 forgets fast, so v falls after the small gradient and the running maximum matters.
    const opt = new optim.Adam([p], { lr: 0.01, betas: [0.9, 0.5], amsgrad });
    for (const g of grads) {
      setGrad(p, g);
      opt.step();
    }
    return p.data;
  };
  const ams = run(true);
  assertNear(ams, adamRef(P, grads, { ...base, lr: 0.01, b2: 0.5, ams: true }));
  assertNear(run(false), adamRef(P, grads, { ...base, lr: 0.01, b2: 0.5 }));
  assert.notDeepEqual(Array.from(ams), Array.from(run(false)));
});

test('AdamW shrinks weights by (1 - lr * wd) before the Adam step; weight_decay defaults to 1e-2', () => {
  const p = param(P, G1);
  const opt = new optim.AdamW([p], { lr: 0.1 });
  assert.equal(opt.param_groups[0].weight_decay, 1e-2);
  opt.step();
  assertNear(p.data, P.map((x, i) => x * (1 - 0.1 * 0.01) - 0.1 * Math.sign(G1[i])));
  setGrad(p, G2);
  opt.step();
  assertNear(p.data, adamRef(P, [G1, G2], { ...base, lr: 0.1, wd: 0.01, decoupled: true }));
});

test('AdamW with amsgrad', () => {
  const p = param(P);
  const opt = new optim.AdamW([p], { lr: 0.01, weight_decay: 0.1, amsgrad: true });
  const grads = [G1, G1.map((g) => g / 10), G2];
  for (const g of grads) {
    setGrad(p, g);
    opt.step();
  }
  assertNear(p.data, adamRef(P, grads, { ...base, lr: 0.01, wd: 0.1, decoupled: true, ams: true }));
});

test('Adam maximize ascends', () => {
  const p = param(P, G1);
  new optim.Adam([p], { lr: 0.01, maximize: true }).step();
  assertNear(p.data, [1.01, -2.01, 0.51]);
});

test('Adam rejects invalid hyperparameters with PyTorch messages', () => {
  const p = param(P);
  assert.throws(() => new optim.Adam([p], { lr: -1 }), /Invalid learning rate: -1/);
  assert.throws(() => new optim.Adam([p], { eps: -1e-8 }), /Invalid epsilon value: -1e-8/);
  assert.throws(() => new optim.Adam([p], { betas: [1, 0.999] }), /Invalid beta parameter at index 0: 1/);
  assert.throws(() => new optim.Adam([p], { betas: [0.9, -0.1] }), /Invalid beta parameter at index 1: -0.1/);
  assert.throws(() => new optim.AdamW([p], { weight_decay: -0.1 }), /Invalid weight_decay value: -0.1/);
  assert.throws(() => new optim.Adam([p], { lr: NaN }), /Invalid learning rate: NaN/);
});
