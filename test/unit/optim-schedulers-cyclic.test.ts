// PolynomialLR, CosineAnnealingWarmRestarts and CyclicLR against their closed forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim, zeros } from '../../engine/index';

const { lr_scheduler } = optim;

function sgd(lr = 0.1): InstanceType<typeof optim.SGD> {
  return new optim.SGD([new nn.Parameter(zeros([2]))], { lr, momentum: 0.9 });
}

function near(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-12 + 1e-9 * Math.abs(b), `${what}: ${a}, expected ${b}`);
}

test('PolynomialLR: lr0 * (1 - min(t, T) / T)^power', () => {
  const s = new lr_scheduler.PolynomialLR(sgd(0.1), { total_iters: 12, power: 2 });
  for (let t = 0; t <= 20; t++) {
    near(s.get_last_lr()[0], 0.1 * (1 - Math.min(t, 12) / 12) ** 2, `t=${t}`);
    s.step();
  }
});

test('CosineAnnealingWarmRestarts: cosine over T_i, restarting with T_i *= T_mult', () => {
  const s = new lr_scheduler.CosineAnnealingWarmRestarts(sgd(0.1), 3, { T_mult: 2, eta_min: 0.001 });
  // Restarts at 3, 3 + 6 = 9, 9 + 12 = 21.
  const starts = [0, 3, 9, 21];
  for (let t = 0; t <= 25; t++) {
    const k = starts.filter((x) => x <= t).length - 1;
    const Ti = 3 * 2 ** k;
    const cur = t - starts[k];
    near(s.get_last_lr()[0], 0.001 + (0.099 * (1 + Math.cos((Math.PI * cur) / Ti))) / 2, `t=${t}`);
    s.step();
  }
  s.step(10.5); // fractional epochs: the third cycle [9, 21), so T_cur = 1.5 of T_i = 12
  near(s.get_last_lr()[0], 0.001 + (0.099 * (1 + Math.cos((Math.PI * 1.5) / 12))) / 2, 'step(10.5)');
  assert.throws(() => new lr_scheduler.CosineAnnealingWarmRestarts(sgd(), 0), /Expected positive integer T_0, but got 0/);
  assert.throws(() => new lr_scheduler.CosineAnnealingWarmRestarts(sgd(), 2, { T_mult: 0 }), /Expected integer T_mult >= 1/);
});

test('CyclicLR triangular: up over step_size_up, down over step_size_down, momentum opposite', () => {
  const opt = sgd(0.5);
  const s = new lr_scheduler.CyclicLR(opt, 0.01, 0.1, { step_size_up: 4, step_size_down: 3 });
  for (let t = 0; t <= 21; t++) {
    const x = t % 7;
    const f = x <= 4 ? x / 4 : (7 - x) / 3;
    near(s.get_last_lr()[0], 0.01 + 0.09 * f, `lr t=${t}`);
    near(opt.param_groups[0].momentum, 0.9 - 0.1 * f, `momentum t=${t}`);
    s.step();
  }
});

test('CyclicLR triangular2 halves the amplitude every cycle; exp_range scales by gamma^t', () => {
  const s2 = new lr_scheduler.CyclicLR(sgd(), 0.01, 0.1, { step_size_up: 3, mode: 'triangular2' });
  const se = new lr_scheduler.CyclicLR(sgd(), 0.01, 0.1, { step_size_up: 3, mode: 'exp_range', gamma: 0.9, cycle_momentum: false });
  for (let t = 0; t <= 18; t++) {
    const x = t % 6;
    const f = x <= 3 ? x / 3 : (6 - x) / 3;
    near(s2.get_last_lr()[0], 0.01 + 0.09 * f * 0.5 ** Math.floor(t / 6), `triangular2 t=${t}`);
    near(se.get_last_lr()[0], 0.01 + 0.09 * f * 0.9 ** t, `exp_range t=${t}`);
    s2.step();
    se.step();
  }
  const p = new nn.Parameter(zeros([1]));
  assert.throws(() => new lr_scheduler.CyclicLR(new optim.Adam([p]), 0.01, 0.1), /must support momentum/);
});

test('ReduceLROnPlateau cuts the lr after more than `patience` steps without improvement, then cools down', () => {
  const opt = sgd(0.1);
  const s = new lr_scheduler.ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, cooldown: 1 });
  // 1.0 best; 1.0 bad (1); 1.0 bad (2 > 1) -> 0.05, cooldown 1; 1.0 cooldown; 1.0 bad (1); 1.0 bad (2) -> 0.025;
  // 0.5 improves (a relative improvement beyond 1e-4).
  const metrics = [1, 1, 1, 1, 1, 1, 0.5, 0.5];
  const lrs = metrics.map((m) => {
    s.step(m);
    return opt.param_groups[0].lr;
  });
  assert.deepEqual(lrs, [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025]);
  assert.deepEqual(s.get_last_lr(), [0.025]);
  const sd = JSON.parse(JSON.stringify(s.state_dict())) as Record<string, unknown>;
  assert.equal(sd.best, 0.5);
  const fresh = new lr_scheduler.ReduceLROnPlateau(sgd(), {});
  assert.equal(JSON.parse(JSON.stringify(fresh.state_dict())).best, null);
  fresh.load_state_dict(JSON.parse(JSON.stringify(fresh.state_dict())) as Record<string, unknown>);
  assert.equal(fresh.best, Infinity);
});

test('ReduceLROnPlateau respects min_lr and mode max', () => {
  const opt = sgd(0.1);
  const s = new lr_scheduler.ReduceLROnPlateau(opt, { mode: 'max', patience: 0, factor: 0.1, min_lr: 0.005 });
  s.step(1); // best
  s.step(0.5); // bad -> 0.01
  s.step(0.5); // bad -> max(0.001, 0.005)
  s.step(0.5); // already at min_lr
  assert.equal(opt.param_groups[0].lr, 0.005);
  assert.throws(() => new lr_scheduler.ReduceLROnPlateau(sgd(), { factor: 1 }), /Factor should be < 1.0./);
});
