// What every optimizer shares: parameter groups, skipping parameters without a gradient, zero_grad, the update
// norm telemetry, state_dict through JSON, snapshot/restore for time travel, and determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim, randn, manual_seed, tensor, type Tensor } from '../../engine/index';
import type { OptimizerLike, SchedulerLike } from '../../engine/definition';
import { assertNear, param, setGrad } from './optim-helpers';

type Param = InstanceType<typeof nn.Parameter>;
type AnyOptimizer = InstanceType<typeof optim.SGD> | InstanceType<typeof optim.Adam> | InstanceType<typeof optim.RMSprop> | InstanceType<typeof optim.Adagrad>;

/** With update norms tracked, as the trainer does on the steps it reports. */
function tracking<O extends AnyOptimizer>(opt: O): O {
  opt.trackUpdateNorms = true;
  return opt;
}

const makers: Array<[string, (ps: Param[]) => AnyOptimizer]> = [
  ['SGD', (ps) => tracking(new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 }))],
  ['Adam', (ps) => tracking(new optim.Adam(ps, { lr: 0.01, amsgrad: true }))],
  ['AdamW', (ps) => tracking(new optim.AdamW(ps, { lr: 0.01 }))],
  ['RMSprop', (ps) => tracking(new optim.RMSprop(ps, { momentum: 0.5, centered: true }))],
  ['Adagrad', (ps) => tracking(new optim.Adagrad(ps, { lr_decay: 0.1 }))],
];

/** Fresh parameters and a deterministic stream of gradients: gradient k of step s depends only on (s, k). */
function problem(seed = 7): { params: Param[]; gradsAt: (s: number) => number[][] } {
  manual_seed(seed);
  const params = [new nn.Parameter(randn([3, 4])), new nn.Parameter(randn([4]))];
  const gradsAt = (s: number): number[][] => params.map((p, k) => Array.from(p.data, (_v, i) => Math.sin(1.3 * s + 0.7 * i + k) * (1 + s % 3)));
  return { params, gradsAt };
}

function run(opt: AnyOptimizer, params: Param[], gradsAt: (s: number) => number[][], from: number, to: number): Float32Array[] {
  for (let s = from; s < to; s++) {
    opt.zero_grad();
    gradsAt(s).forEach((g, k) => setGrad(params[k], g));
    opt.step();
  }
  return params.map((p) => p.data.slice());
}

const bits = (xs: Float32Array[]): number[][] => xs.map((x) => Array.from(new Uint32Array(x.slice().buffer)));

test('per-group options override the defaults; groups missing a key get the default', () => {
  const a = param([1], [1]);
  const b = param([1], [1]);
  const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
  assert.equal(opt.param_groups[0].lr, 0.1);
  assert.equal(opt.param_groups[0].momentum, 0);
  assert.equal(opt.param_groups[1].momentum, 0.9);
  opt.step();
  assertNear(a.data, [0.9]);
  assertNear(b.data, [0.5]);
});

test('a single tensor as a group\'s params, and add_param_group later', () => {
  const a = param([1], [1]);
  const b = param([2], [1]);
  const opt = new optim.Adam([{ params: a }], { lr: 0.1 });
  opt.add_param_group({ params: [b], lr: 0.2 });
  assert.equal(opt.param_groups.length, 2);
  assert.deepEqual(opt.param_groups[1].betas, [0.9, 0.999]);
  opt.step();
  assertNear(a.data, [0.9]);
  assertNear(b.data, [1.8]);
});

test('constructor errors match PyTorch', () => {
  const p = param([1]);
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /optimizer got an empty parameter list/);
  assert.throws(() => new optim.SGD(p as unknown as Tensor[], { lr: 0.1 }), /should be an iterable of Tensors or dicts, but got Parameter/);
  assert.throws(() => new optim.SGD([{ params: new Set([p]) }], { lr: 0.1 }), /ordered collections/);
  assert.throws(() => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /some parameters appear in more than one parameter group/);
  const nonLeaf = tensor([1], { requires_grad: true }).mul(2);
  assert.throws(() => new optim.SGD([nonLeaf], { lr: 0.1 }), /can't optimize a non-leaf Tensor/);
  assert.throws(() => new optim.SGD([{ params: [p], lr: -1 }], { lr: 0.1 }), /Invalid learning rate: -1/);
});

test('a learning rate given as a string or as Infinity is refused, naming the value', () => {
  const p = param([1]);
  assert.throws(() => new optim.SGD([p], { lr: '0.1' as unknown as number }), /Invalid learning rate: "0\.1" is a string, not a number/);
  assert.throws(() => new optim.Adam([p], { lr: Infinity }), /Invalid learning rate: Infinity \(it must be a finite number\)/);
  assert.throws(() => new optim.Adam([{ params: [p], lr: '1e-3' as unknown as number }], { lr: 0.1 }), /is a string/);
});

test('parameters whose grad is null are skipped: no update, no state, no update norm', () => {
  for (const [name, make] of makers) {
    const a = param([1, 2], [0.5, -0.5]);
    const b = param([3, 4]);
    const opt = make([a, b]);
    opt.step();
    assert.deepEqual(Array.from(b.data), [3, 4], name);
    assert.notDeepEqual(Array.from(a.data), [1, 2], name);
    assert.equal(opt.lastUpdateNorm(b), undefined, name);
    if (name !== 'Adagrad') assert.equal(opt.state.has(b), false, `${name}: no state for a skipped parameter`);
  }
});

test('zero_grad sets grads to null by default, or zeroes them with set_to_none=false', () => {
  const p = param([1, 2], [3, 4]);
  const opt = new optim.SGD([p], { lr: 0.1 });
  const g = p.grad as Tensor;
  opt.zero_grad(false);
  assert.equal(p.grad, g);
  assert.deepEqual(Array.from(g.data), [0, 0]);
  opt.zero_grad();
  assert.equal(p.grad, null);
});

test('lastUpdateNorm is ||p_after - p_before|| of the last step', () => {
  for (const [name, make] of makers) {
    const { params, gradsAt } = problem();
    const opt = make(params);
    run(opt, params, gradsAt, 0, 2);
    const before = params.map((p) => p.data.slice());
    run(opt, params, gradsAt, 2, 3);
    params.forEach((p, k) => {
      let s = 0;
      for (let i = 0; i < p.data.length; i++) s += (p.data[i] - before[k][i]) ** 2;
      const norm = opt.lastUpdateNorm(p);
      assert.ok(norm !== undefined && norm > 0 && Math.abs(norm - Math.sqrt(s)) <= 1e-12, `${name}: ${norm} vs ${Math.sqrt(s)}`);
    });
  }
});

test('update norms are off by default (no hidden cost per step), as in PyTorch', () => {
  const p = param([1, 1], [3, 4]);
  const opt = new optim.Adam([p], { lr: 0.1 });
  assert.equal(opt.trackUpdateNorms, false);
  opt.step();
  assert.equal(opt.lastUpdateNorm(p), undefined);
});

test('with trackUpdateNorms off, steps update the same and report no (stale) update norm', () => {
  const a = param([1, 1], [3, 4]);
  const b = param([1, 1], [3, 4]);
  const tracked = tracking(new optim.Adam([a], { lr: 0.1 }));
  const untracked = tracking(new optim.Adam([b], { lr: 0.1 }));
  tracked.step();
  untracked.step();
  untracked.trackUpdateNorms = false;
  tracked.step();
  untracked.step();
  assert.deepEqual(Array.from(b.data), Array.from(a.data));
  assert.ok((tracked.lastUpdateNorm(a) ?? 0) > 0);
  assert.equal(untracked.lastUpdateNorm(b), undefined);
});

test('SGD lastUpdateNorm equals lr * ||g|| without momentum', () => {
  const p = param([1, 1], [3, 4]);
  const opt = tracking(new optim.SGD([p], { lr: 0.5 }));
  opt.step();
  assert.ok(Math.abs((opt.lastUpdateNorm(p) ?? 0) - 2.5) < 1e-6);
});

test('state_dict survives JSON and load_state_dict continues the identical trajectory', () => {
  for (const [name, make] of makers) {
    const a = problem();
    const optA = make(a.params);
    run(optA, a.params, a.gradsAt, 0, 3);
    const json = JSON.stringify(optA.state_dict());
    const sd = JSON.parse(json) as ReturnType<typeof optA.state_dict>;
    assert.deepEqual(sd.param_groups.map((g) => g.params), [[0, 1]], name);

    const b = problem(99);
    b.params.forEach((p, k) => p.data.set(a.params[k].data));
    const optB = make(b.params);
    optB.load_state_dict(sd);
    assert.deepEqual(optB.state_dict(), optA.state_dict(), name);
    const endA = run(optA, a.params, a.gradsAt, 3, 6);
    const endB = run(optB, b.params, a.gradsAt, 3, 6);
    assert.deepEqual(bits(endB), bits(endA), `${name}: trajectories after load_state_dict`);
  }
});

test('load_state_dict checks the group layout and buffer sizes', () => {
  const p = param([1, 2], [1, 1]);
  const opt = new optim.Adam([p]);
  opt.step();
  const sd = opt.state_dict();
  assert.throws(() => new optim.Adam([{ params: [p] }, { params: [param([1])] }]).load_state_dict(sd), /different number of parameter groups/);
  assert.throws(() => new optim.Adam([p, param([1])]).load_state_dict(sd), /doesn't match the size of optimizer's group/);
  assert.throws(() => new optim.Adam([param([1, 2, 3])]).load_state_dict(sd), /has 2 values but the parameter has 3/);
});

test('load_state_dict restores hyperparameters (a scheduler-changed lr) but keeps the new parameters', () => {
  const p = param([1, 2], [1, 1]);
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  opt.param_groups[0].lr = 0.025;
  const q = param([5, 6]);
  const other = new optim.SGD([q], { lr: 1 });
  other.load_state_dict(opt.state_dict());
  assert.equal(other.param_groups[0].lr, 0.025);
  assert.equal(other.param_groups[0].momentum, 0.9);
  assert.equal(other.param_groups[0].params[0], q);
});

test('snapshot/restore gives bit-identical subsequent trajectories, repeatedly, with reused buffers', () => {
  for (const [name, make] of makers) {
    const { params, gradsAt } = problem();
    const opt = make(params);
    run(opt, params, gradsAt, 0, 4);
    const snap = opt.snapshot({ params: true });
    const first = run(opt, params, gradsAt, 4, 9);
    const normsFirst = params.map((p) => opt.lastUpdateNorm(p));
    opt.restore(snap);
    const second = run(opt, params, gradsAt, 4, 9);
    assert.deepEqual(bits(second), bits(first), `${name}: second replay`);
    assert.deepEqual(params.map((p) => opt.lastUpdateNorm(p)), normsFirst, name);
    // Reusing the snapshot's buffers for a later snapshot must not disturb restoring that later one.
    const later = opt.snapshot({ params: true, reuse: snap });
    assert.equal(later.params?.[0], snap.params?.[0], `${name}: the reused buffer is written in place`);
    const third = run(opt, params, gradsAt, 9, 12);
    opt.restore(later);
    assert.deepEqual(bits(run(opt, params, gradsAt, 9, 12)), bits(third), `${name}: replay from the reused snapshot`);
  }
});

test('snapshot copies: stepping after a snapshot does not change it; restore brings back lr and step counts', () => {
  const { params, gradsAt } = problem();
  const opt = new optim.Adam(params, { lr: 0.01 });
  run(opt, params, gradsAt, 0, 2);
  const snap = opt.snapshot();
  const m = (snap.state.get(params[0])?.exp_avg as Float32Array).slice();
  assert.equal(snap.params, null);
  opt.param_groups[0].lr = 0.5;
  run(opt, params, gradsAt, 2, 3);
  assert.deepEqual(snap.state.get(params[0])?.exp_avg, m);
  opt.restore(snap);
  assert.equal(opt.param_groups[0].lr, 0.01);
  assert.equal(opt.state.get(params[0])?.step, 2);
});

test('two identical runs are bit-identical (determinism)', () => {
  for (const [name, make] of makers) {
    const a = problem(3);
    const b = problem(3);
    assert.deepEqual(
      bits(run(make(b.params), b.params, b.gradsAt, 0, 10)),
      bits(run(make(a.params), a.params, a.gradsAt, 0, 10)),
      name,
    );
  }
});

test('step(closure) returns the closure\'s loss', () => {
  const p = param([1], [1]);
  const opt = new optim.SGD([p], { lr: 0.1 });
  assert.equal(opt.step(() => 42), 42);
  assert.equal(opt.step(), undefined);
});

test('optimizers are the trainer\'s OptimizerLike and schedulers accept one (as defineTraining passes it)', () => {
  const p = param([1, 2], [1, 1]);
  const opt: OptimizerLike = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  const sched: SchedulerLike = new optim.lr_scheduler.OneCycleLR(opt, 0.5, { total_steps: 10 });
  opt.step();
  sched.step();
  assert.ok(Math.abs(opt.param_groups[0].lr - sched.get_last_lr()[0]) === 0);
  assert.ok(opt.param_groups[0].lr > 0.5 / 25);
  opt.zero_grad();
  assert.equal(p.grad, null);
});

test('toString lists each group\'s hyperparameters like PyTorch\'s repr', () => {
  const opt = new optim.Adam([param([1])], { lr: 0.01 });
  assert.equal(
    String(opt),
    'Adam (\nParameter Group 0\n    amsgrad: false\n    betas: (0.9, 0.999)\n    eps: 1e-8\n    lr: 0.01\n    maximize: false\n    weight_decay: 0\n)',
  );
});
