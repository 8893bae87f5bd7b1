// LR schedulers: 20-step lr sequences against the closed forms of PyTorch's formulas, the recursive behaviour
// (a user's lr edit carries through, as in PyTorch), OneCycleLR's momentum cycling, step(epoch) and state_dict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim, zeros } from '../../engine/index';

const { lr_scheduler } = optim;
type Sched = { step(epoch?: number): void; get_last_lr(): number[] };

function sgd(lr = 0.1, momentum = 0.9): InstanceType<typeof optim.SGD> {
  const p = new nn.Parameter(zeros([2]));
  return new optim.SGD([p], { lr, momentum });
}

/** The lr after construction and after each of `n` steps. */
function sequence(s: Sched, n = 20): number[] {
  const out = [s.get_last_lr()[0]];
  for (let i = 0; i < n; i++) {
    s.step();
    out.push(s.get_last_lr()[0]);
  }
  return out;
}

function assertSeq(got: number[], want: (t: number) => number, what: string): void {
  got.forEach((v, t) => {
    const w = want(t);
    assert.ok(Math.abs(v - w) <= 1e-12 + 1e-9 * Math.abs(w), `${what}: lr at step ${t} is ${v}, expected ${w}`);
  });
}

test('construction stores initial_lr and performs step 0', () => {
  const opt = sgd(0.1);
  const s = new lr_scheduler.StepLR(opt, 5);
  assert.equal(opt.param_groups[0].initial_lr, 0.1);
  assert.equal(s.last_epoch, 0);
  assert.deepEqual(s.base_lrs, [0.1]);
  assert.deepEqual(s.get_last_lr(), [0.1]);
  assert.throws(() => new lr_scheduler.StepLR(sgd(), 5, { last_epoch: 3 }), /param 'initial_lr' is not specified in param_groups\[0\] when resuming/);
});

test('StepLR: lr0 * gamma^floor(t / step_size)', () => {
  assertSeq(sequence(new lr_scheduler.StepLR(sgd(0.1), 5, { gamma: 0.5 })), (t) => 0.1 * 0.5 ** Math.floor(t / 5), 'StepLR');
  assertSeq(sequence(new lr_scheduler.StepLR(sgd(0.1), 3)), (t) => 0.1 * 0.1 ** Math.floor(t / 3), 'StepLR default gamma');
});

test('MultiStepLR: gamma at each milestone, twice for a repeated one', () => {
  const s = new lr_scheduler.MultiStepLR(sgd(1), [12, 4, 12], { gamma: 0.5 });
  assertSeq(sequence(s), (t) => (t < 4 ? 1 : t < 12 ? 0.5 : 0.125), 'MultiStepLR');
});

test('ExponentialLR: lr0 * gamma^t', () => {
  assertSeq(sequence(new lr_scheduler.ExponentialLR(sgd(0.1), 0.9)), (t) => 0.1 * 0.9 ** t, 'ExponentialLR');
});

test('CosineAnnealingLR: eta_min + (lr0 - eta_min)(1 + cos(pi t / T_max)) / 2, climbing back after T_max', () => {
  const cos = (lr0: number, T: number, eta: number) => (t: number) => eta + ((lr0 - eta) * (1 + Math.cos((Math.PI * t) / T))) / 2;
  assertSeq(sequence(new lr_scheduler.CosineAnnealingLR(sgd(0.1), 10)), cos(0.1, 10, 0), 'T_max 10');
  // 20 steps with T_max 8 passes the restart branch at t = 9 and t = 25 would be next.
  assertSeq(sequence(new lr_scheduler.CosineAnnealingLR(sgd(0.1), 8, { eta_min: 0.01 })), cos(0.1, 8, 0.01), 'T_max 8, eta_min');
});

test('schedulers are recursive like PyTorch: an lr set by hand is carried on', () => {
  const opt = sgd(0.1);
  const s = new lr_scheduler.StepLR(opt, 2, { gamma: 0.5 });
  s.step(); // t = 1: unchanged
  opt.param_groups[0].lr = 1;
  s.step(); // t = 2: multiplies the current lr
  assert.deepEqual(s.get_last_lr(), [0.5]);

  const opt2 = sgd(0.1);
  const c = new lr_scheduler.CosineAnnealingLR(opt2, 10);
  c.step();
  opt2.param_groups[0].lr = 0.05;
  c.step();
  const want = ((1 + Math.cos((Math.PI * 2) / 10)) / (1 + Math.cos(Math.PI / 10))) * 0.05;
  assert.ok(Math.abs(c.get_last_lr()[0] - want) < 1e-15);
});

test('step(epoch) jumps with the closed form', () => {
  const s = new lr_scheduler.StepLR(sgd(0.1), 5, { gamma: 0.5 });
  s.step(12);
  assert.ok(Math.abs(s.get_last_lr()[0] - 0.025) < 1e-15);
  const c = new lr_scheduler.CosineAnnealingLR(sgd(0.1), 10);
  c.step(5);
  assert.ok(Math.abs(c.get_last_lr()[0] - 0.05) < 1e-15);
});

test('LambdaLR: lr0 * f(t), one function per group; MultiplicativeLR: lr *= f(t)', () => {
  const a = new nn.Parameter(zeros([1]));
  const b = new nn.Parameter(zeros([1]));
  const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
  const s = new lr_scheduler.LambdaLR(opt, [(t) => 1 / (t + 1), (t) => 0.5 ** t]);
  for (let t = 0; t <= 20; t++) {
    const [l0, l1] = s.get_last_lr();
    assert.ok(Math.abs(l0 - 0.1 / (t + 1)) < 1e-15 && Math.abs(l1 - 0.5 ** t) < 1e-15, `LambdaLR at ${t}: ${l0}, ${l1}`);
    s.step();
  }
  assert.throws(() => new lr_scheduler.LambdaLR(opt, [(t) => t]), /Expected 2 lr_lambdas, but got 1/);
  assertSeq(sequence(new lr_scheduler.MultiplicativeLR(sgd(0.1), () => 0.95)), (t) => 0.1 * 0.95 ** t, 'MultiplicativeLR');
});

test('LinearLR ramps the factor from start_factor to end_factor over total_iters; ConstantLR holds factor', () => {
  assertSeq(
    sequence(new lr_scheduler.LinearLR(sgd(0.1), { start_factor: 0.25, total_iters: 8 })),
    (t) => 0.1 * (0.25 + (0.75 * Math.min(8, t)) / 8),
    'LinearLR',
  );
  assertSeq(sequence(new lr_scheduler.LinearLR(sgd(0.1))), (t) => 0.1 * (1 / 3 + ((2 / 3) * Math.min(5, t)) / 5), 'LinearLR defaults');
  assertSeq(sequence(new lr_scheduler.ConstantLR(sgd(0.1), { factor: 0.5, total_iters: 4 })), (t) => (t < 4 ? 0.05 : 0.1), 'ConstantLR');
  assert.throws(() => new lr_scheduler.LinearLR(sgd(), { start_factor: 0 }), /Starting multiplicative factor/);
  assert.throws(() => new lr_scheduler.ConstantLR(sgd(), { factor: 2 }), /Constant multiplicative factor/);
});

/** OneCycleLR's closed form: cosine from lr0/div to max over pct*T - 1 steps, then down to lr0/(div*final). */
function oneCycle(max: number, T: number, pct: number, div: number, fin: number, lo: number, hi: number) {
  const anneal = (a: number, b: number, x: number): number => b + ((a - b) / 2) * (Math.cos(Math.PI * x) + 1);
  const init = max / div;
  const end1 = pct * T - 1;
  return (t: number): [number, number] => {
    if (t <= end1) return [anneal(init, max, t / end1), anneal(hi, lo, t / end1)];
    const x = (t - end1) / (T - 1 - end1);
    return [anneal(max, init / fin, x), anneal(lo, hi, x)];
  };
}

test('OneCycleLR: warm-up then cosine decay, momentum cycling inversely (SGD momentum)', () => {
  const opt = sgd(0.1, 0.9);
  const s = new lr_scheduler.OneCycleLR(opt, 0.1, { total_steps: 20 });
  const want = oneCycle(0.1, 20, 0.3, 25, 1e4, 0.85, 0.95);
  for (let t = 0; t <= 19; t++) {
    const [lr, m] = want(t);
    assert.ok(Math.abs(s.get_last_lr()[0] - lr) < 1e-12, `lr at ${t}: ${s.get_last_lr()[0]} vs ${lr}`);
    assert.ok(Math.abs(opt.param_groups[0].momentum - m) < 1e-12, `momentum at ${t}`);
    s.step();
  }
  assert.equal(opt.param_groups[0].max_lr, 0.1);
  assert.ok(Math.abs((opt.param_groups[0].min_lr as number) - 0.1 / 25 / 1e4) < 1e-18);
  // The loop's last step reached last_epoch 20 (= total_steps, still allowed); one more raises like PyTorch.
  assert.equal(s.last_epoch, 20);
  assert.throws(() => s.step(), /Tried to step 22 times. The specified number of total steps is 20/);
});

test('OneCycleLR options object form, epochs x steps_per_epoch, linear and Adam beta1', () => {
  const p = new nn.Parameter(zeros([1]));
  const adam = new optim.Adam([p], { lr: 1e-3, betas: [0.9, 0.99] });
  const s = new lr_scheduler.OneCycleLR(adam, { max_lr: 0.01, epochs: 4, steps_per_epoch: 5, anneal_strategy: 'linear', pct_start: 0.25 });
  const init = 0.01 / 25;
  for (let t = 0; t <= 19; t++) {
    const lr = t <= 4 ? init + ((0.01 - init) * t) / 4 : 0.01 + ((init / 1e4 - 0.01) * (t - 4)) / 15;
    const m = t <= 4 ? 0.95 - (0.1 * t) / 4 : 0.85 + (0.1 * (t - 4)) / 15;
    assert.ok(Math.abs(s.get_last_lr()[0] - lr) < 1e-12, `lr at ${t}`);
    assert.ok(Math.abs(adam.param_groups[0].betas[0] - m) < 1e-12, `beta1 at ${t}`);
    assert.equal(adam.param_groups[0].betas[1], 0.99);
    s.step();
  }
});

test('OneCycleLR three_phase returns to initial_lr before annealing to the minimum', () => {
  const s = new lr_scheduler.OneCycleLR(sgd(), 0.1, { total_steps: 20, three_phase: true });
  const lrs = sequence(s, 19);
  assert.ok(Math.abs(lrs[5] - 0.1) < 1e-12, 'peak at pct * T - 1');
  assert.ok(Math.abs(lrs[10] - 0.004) < 1e-12, 'back to initial_lr at 2 pct T - 2');
  assert.ok(Math.abs(lrs[19] - 0.004 / 1e4) < 1e-12, 'minimum at the end');
});

test('OneCycleLR validation', () => {
  assert.throws(() => new lr_scheduler.OneCycleLR(sgd(), 0.1), /You must define either total_steps OR \(epochs AND steps_per_epoch\)/);
  assert.throws(() => new lr_scheduler.OneCycleLR(sgd(), 0.1, { total_steps: 0 }), /Expected positive integer total_steps, but got 0/);
  assert.throws(() => new lr_scheduler.OneCycleLR(sgd(), 0.1, { total_steps: 10, pct_start: 1.5 }), /pct_start/);
  assert.throws(() => new lr_scheduler.OneCycleLR(sgd(), [0.1, 0.2], { total_steps: 10 }), /expected 1 values for max_lr, got 2/);
  const p = new nn.Parameter(zeros([1]));
  assert.throws(() => new lr_scheduler.OneCycleLR(new optim.Adagrad([p]), 0.1, { total_steps: 10 }), /must support momentum/);
  assert.doesNotThrow(() => new lr_scheduler.OneCycleLR(new optim.Adagrad([p]), 0.1, { total_steps: 10, cycle_momentum: false }));
});

test('SequentialLR switches schedulers at milestones; ChainedScheduler multiplies their factors', () => {
  const o1 = sgd(1);
  const seqLR = new lr_scheduler.SequentialLR(
    o1,
    [new lr_scheduler.ConstantLR(o1, { factor: 0.1, total_iters: 2 }), new lr_scheduler.ExponentialLR(o1, 0.9)],
    [2],
  );
  // The scheduler taking over at the milestone starts at its own epoch 0 (lr 1, then 0.9, ...). PyTorch 1.13
  // does this too, although its docstring comment shows 0.9 at epoch 2.
  assertSeq(sequence(seqLR, 6), (t) => (t < 2 ? 0.1 : 0.9 ** (t - 2)), 'SequentialLR');
  const o2 = sgd(1);
  const chained = new lr_scheduler.ChainedScheduler([new lr_scheduler.ConstantLR(o2, { factor: 0.1, total_iters: 2 }), new lr_scheduler.ExponentialLR(o2, 0.9)]);
  assertSeq(sequence(chained, 6), (t) => (t < 2 ? 0.1 : 1) * 0.9 ** t, 'ChainedScheduler');
  // Warm-up then cosine: the cosine restarts from initial_lr at the milestone.
  const o3 = sgd(0.1);
  const warm = new lr_scheduler.SequentialLR(
    o3,
    [new lr_scheduler.LinearLR(o3, { start_factor: 0.1, total_iters: 5 }), new lr_scheduler.CosineAnnealingLR(o3, 10)],
    [5],
  );
  assertSeq(sequence(warm), (t) => (t < 5 ? 0.1 * (0.1 + (0.9 * t) / 5) : 0.05 * (1 + Math.cos((Math.PI * (t - 5)) / 10))), 'warm-up + cosine');
  assert.throws(() => new lr_scheduler.SequentialLR(o3, [new lr_scheduler.StepLR(o3, 2)], [3]), /one more than the number of milestone points/);
  assert.throws(() => new lr_scheduler.SequentialLR(o3, [new lr_scheduler.StepLR(sgd(), 2)], []), /belong to the same optimizer/);
});

test('OneCycleLR turns on SGD momentum even when the optimizer was built without it', () => {
  const p = new nn.Parameter(zeros([2]));
  const opt = new optim.SGD([p], { lr: 0.1 });
  new lr_scheduler.OneCycleLR(opt, 0.1, { total_steps: 10 });
  assert.equal(opt.param_groups[0].momentum, 0.95);
  p.grad = zeros([2]).add(1);
  opt.step();
  assert.ok(opt.state.get(p)?.momentum_buffer instanceof Float32Array);
});

test('scheduler state_dict round trip continues the same sequence (LambdaLR leaves its functions out)', () => {
  const opt = sgd(0.1);
  const s = new lr_scheduler.OneCycleLR(opt, 0.1, { total_steps: 20 });
  for (let i = 0; i < 7; i++) s.step();
  const sd = JSON.parse(JSON.stringify(s.state_dict())) as Record<string, unknown>;
  const opt2 = sgd(0.1);
  opt2.load_state_dict(opt.state_dict());
  const s2 = new lr_scheduler.OneCycleLR(opt2, 0.1, { total_steps: 20 });
  s2.load_state_dict(sd);
  assert.deepEqual(sequence(s2, 10), sequence(s, 10));

  const l = new lr_scheduler.LambdaLR(sgd(), (t) => t);
  assert.equal('lr_lambdas' in l.state_dict(), false);
});
