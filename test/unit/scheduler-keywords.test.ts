// PyTorch scripts pass a scheduler's required arguments as keywords (the MNIST example's
// StepLR(optimizer, step_size=1, gamma=args.gamma)); ported as one options object they run as the positional form
// does, and they type-check (this file is compiled by tsc: a missing overload fails the build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim } from '../../engine/index';

type Make = (opt: optim.Optimizer) => { step(): void };

function lrs(make: Make, steps = 6): number[] {
  const opt = new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 1 });
  const s = make(opt);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    s.step();
    out.push(opt.param_groups[0].lr);
  }
  return out;
}

const L = optim.lr_scheduler;
const CASES: Array<[string, Make, Make]> = [
  ['StepLR', (o) => new L.StepLR(o, { step_size: 2, gamma: 0.7 }), (o) => new L.StepLR(o, 2, 0.7)],
  ['MultiStepLR', (o) => new L.MultiStepLR(o, { milestones: [1, 3], gamma: 0.5 }), (o) => new L.MultiStepLR(o, [1, 3], 0.5)],
  ['ExponentialLR', (o) => new L.ExponentialLR(o, { gamma: 0.9 }), (o) => new L.ExponentialLR(o, 0.9)],
  ['CosineAnnealingLR', (o) => new L.CosineAnnealingLR(o, { T_max: 4, eta_min: 0.1 }), (o) => new L.CosineAnnealingLR(o, 4, 0.1)],
  ['CosineAnnealingWarmRestarts', (o) => new L.CosineAnnealingWarmRestarts(o, { T_0: 3 }), (o) => new L.CosineAnnealingWarmRestarts(o, 3)],
  ['LambdaLR', (o) => new L.LambdaLR(o, { lr_lambda: (e: number) => 1 / (e + 1) }), (o) => new L.LambdaLR(o, (e: number) => 1 / (e + 1))],
  ['MultiplicativeLR', (o) => new L.MultiplicativeLR(o, { lr_lambda: () => 0.8 }), (o) => new L.MultiplicativeLR(o, () => 0.8)],
  ['CyclicLR', (o) => new L.CyclicLR(o, { base_lr: 0.1, max_lr: 1, step_size_up: 2, cycle_momentum: false }), (o) => new L.CyclicLR(o, 0.1, 1, { step_size_up: 2, cycle_momentum: false })],
];

for (const [name, keywords, positional] of CASES) {
  test(`${name}: required arguments as keywords give the positional form's learning rates`, () => {
    assert.deepEqual(lrs(keywords), lrs(positional));
  });
}

test('ReduceLROnPlateau.step() without the metric is PyTorch\'s TypeError naming it', () => {
  const opt = new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 1 });
  const s = new L.ReduceLROnPlateau(opt, { patience: 0 });
  assert.throws(() => s.step(), /ReduceLROnPlateau\.step\(\) missing 1 required argument: 'metrics'/);
  s.step(1);
  s.step(2);
  assert.equal(opt.param_groups[0].lr, 0.1);
});
