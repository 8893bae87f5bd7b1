// nn.BatchNorm1d / nn.BatchNorm2d / nn.LayerNorm and F.batch_norm / F.layer_norm: train and eval behaviour,
// running statistics (biased variance to normalise, unbiased for running_var, momentum), buffers, values by
// hand, gradients by central differences, reprs and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, nn, tensor, zeros } from '../../engine/index';
import { assertAllClose, assertGradcheck, rnd } from './layers-helpers';

const EPS = 1e-5;

test('BatchNorm1d in training normalises with the batch statistics (biased variance)', () => {
  const bn = new nn.BatchNorm1d(2);
  const y = bn(tensor([[1, 10], [3, 10], [5, 16]]));
  // Channel 0: mean 3, biased var 8/3. Channel 1: mean 12, biased var 8.
  const s0 = Math.sqrt(8 / 3 + EPS);
  const s1 = Math.sqrt(8 + EPS);
  assertAllClose(y.data, [-2 / s0, -2 / s1, 0, -2 / s1, 2 / s0, 4 / s1]);
});

test('BatchNorm running statistics: momentum 0.1, unbiased running_var, num_batches_tracked', () => {
  const bn = new nn.BatchNorm1d(1);
  bn(tensor([[1], [3]]));
  // mean 2, unbiased var 2: running_mean = 0.9*0 + 0.1*2, running_var = 0.9*1 + 0.1*2.
  assertAllClose(bn.running_mean!.data, [0.2]);
  assertAllClose(bn.running_var!.data, [1.1]);
  assert.equal(bn.num_batches_tracked!.item(), 1);
  bn(tensor([[5], [5]]));
  assertAllClose(bn.running_mean!.data, [0.9 * 0.2 + 0.5]);
  assertAllClose(bn.running_var!.data, [0.9 * 1.1]);
  assert.equal(bn.num_batches_tracked!.item(), 2);
});

test('momentum: null gives the cumulative average of the batch statistics', () => {
  const bn = new nn.BatchNorm1d(1, { momentum: null });
  bn(tensor([[1], [3]]));
  bn(tensor([[5], [9]]));
  assertAllClose(bn.running_mean!.data, [(2 + 7) / 2]);
  assertAllClose(bn.running_var!.data, [(2 + 8) / 2]);
});

test('BatchNorm in eval uses the running statistics and leaves them alone', () => {
  const bn = new nn.BatchNorm1d(1, { eps: 0 });
  bn.running_mean!.data[0] = 2;
  bn.running_var!.data[0] = 4;
  bn.weight!.data[0] = 3;
  bn.bias!.data[0] = 1;
  bn.eval();
  assertAllClose(bn(tensor([[0], [4], [6]])).data, [-2, 4, 7]);
  assertAllClose(bn.running_mean!.data, [2]);
  assert.equal(bn.num_batches_tracked!.item(), 0);
  // A single sample is fine in eval, not in training.
  assert.deepEqual(bn(tensor([[2]])).shape, [1, 1]);
  bn.train();
  assert.throws(() => bn(tensor([[2]])), /expected more than 1 value per channel when training, got input size \[1, 1\]/);
});

test('track_running_stats: false has no buffers and always uses batch statistics', () => {
  const bn = new nn.BatchNorm2d(2, { track_running_stats: false, affine: false });
  assert.equal(bn.running_mean, null);
  assert.deepEqual(bn.parameters(), []);
  assert.deepEqual(Object.keys(bn.state_dict()), []);
  bn.eval();
  const y = bn(rnd([3, 2, 2, 2], 4));
  const m = y.mean([0, 2, 3]);
  assertAllClose(m.data, [0, 0], 1e-6);
});

test('BatchNorm2d: per-channel statistics over N, H, W; buffers and parameters named like PyTorch', () => {
  const bn = new nn.BatchNorm2d(3);
  assert.deepEqual(Object.keys(bn.state_dict()), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  assert.deepEqual(bn.named_buffers().map(([n]) => n), ['running_mean', 'running_var', 'num_batches_tracked']);
  assert.deepEqual(Array.from(bn.weight!.data), [1, 1, 1]);
  assert.deepEqual(Array.from(bn.bias!.data), [0, 0, 0]);
  assert.deepEqual(Array.from(bn.running_var!.data), [1, 1, 1]);
  const x = rnd([4, 3, 2, 5], 9).mul(3).add(1);
  const y = bn(x);
  assertAllClose(y.mean([0, 2, 3]).data, [0, 0, 0], 1e-6);
  assertAllClose(y.var([0, 2, 3], false).data, [1, 1, 1], 1e-4);
  // running_mean moved a tenth of the way to the batch mean.
  assertAllClose(bn.running_mean!.data, x.mean([0, 2, 3]).mul(0.1).data);
  assertAllClose(bn.running_var!.data, x.var([0, 2, 3], true).mul(0.1).add(0.9).data, 1e-5);
});

test('BatchNorm1d accepts [N, C, L] with statistics over N and L', () => {
  const bn = new nn.BatchNorm1d(2);
  const x = rnd([3, 2, 4], 2);
  const y = bn(x);
  assertAllClose(y.mean([0, 2]).data, [0, 0], 1e-6);
});

test('BatchNorm gradients match central differences in train and eval', () => {
  const cases: Array<[string, nn.BatchNorm1d | nn.BatchNorm2d, number[], boolean]> = [
    ['bn1d_train', new nn.BatchNorm1d(3), [4, 3], true],
    ['bn1d_3d_train', new nn.BatchNorm1d(2), [3, 2, 4], true],
    ['bn2d_train', new nn.BatchNorm2d(2), [2, 2, 3, 3], true],
    ['bn2d_eval', new nn.BatchNorm2d(2), [2, 2, 2, 3], false],
    ['bn1d_no_affine', new nn.BatchNorm1d(3, { affine: false }), [5, 3], true],
  ];
  for (const [name, bn, shape, training] of cases) {
    for (const p of bn.parameters()) p.copy_(rnd(p.shape, 21));
    bn.running_mean!.copy_(rnd(bn.running_mean!.shape, 22));
    bn.running_var!.fill_(0.7);
    bn.train(training);
    const x = rnd(shape, 23, true);
    assertGradcheck(name, () => bn(x), [x, ...bn.parameters()]);
  }
});

test('F.batch_norm: functional form with explicit statistics', () => {
  const x = tensor([[1, 2], [3, 6]]);
  const rm = zeros([2]);
  const rv = tensor([1, 1]);
  const y = F.batch_norm(x, rm, rv, tensor([2, 1]), tensor([0, 1]), true, 0.5, 0);
  assertAllClose(y.data, [-2, 0, 2, 2]);
  assertAllClose(rm.data, [1, 2]);
  assertAllClose(rv.data, [0.5 + 0.5 * 2, 0.5 + 0.5 * 8]);
  assertAllClose(F.batch_norm(x, rm, rv).data, [0, 0, 2 / Math.sqrt(1.5 + EPS), 4 / Math.sqrt(4.5 + EPS)]);
});

test('LayerNorm: values by hand over the last dim, affine weight and bias', () => {
  const ln = new nn.LayerNorm(3);
  const s = Math.sqrt(2 / 3 + EPS);
  assertAllClose(ln(tensor([[1, 2, 3], [2, 2, 2]])).data, [-1 / s, 0, 1 / s, 0, 0, 0]);
  ln.weight!.copy_([1, 2, 3]);
  ln.bias!.copy_([0, 1, 0]);
  assertAllClose(ln(tensor([1, 2, 3])).data, [-1 / s, 1, 3 / s]);
  assert.deepEqual(new nn.LayerNorm([3, 4]).weight!.shape, [3, 4]);
  assert.deepEqual(new nn.LayerNorm(4, { elementwise_affine: false }).parameters(), []);
  // Normalising over [2, 2] equals normalising the flattened 4 values.
  const x = rnd([3, 2, 2], 6);
  assertAllClose(F.layer_norm(x, [2, 2]).data, F.layer_norm(x.reshape(3, 4), 4).data, 1e-6);
});

test('LayerNorm gradients match central differences', () => {
  const ln = new nn.LayerNorm([2, 3], { eps: 1e-3 });
  ln.weight!.copy_(rnd([2, 3], 31));
  ln.bias!.copy_(rnd([2, 3], 32));
  const x = rnd([2, 2, 2, 3], 33, true);
  assertGradcheck('layer_norm', () => ln(x), [x, ...ln.parameters()]);
  const plain = rnd([3, 5], 34, true);
  assertGradcheck('layer_norm_no_affine', () => F.layer_norm(plain, 5), [plain]);
});

test('extra_repr', () => {
  assert.equal(new nn.BatchNorm2d(16).displayName(), 'BatchNorm2d(16)');
  assert.equal(new nn.BatchNorm1d(3, { eps: 1e-3, momentum: 0.3, affine: false }).extra_repr(), '3, eps=0.001, momentum=0.3, affine=False');
  assert.equal(new nn.LayerNorm(4).extra_repr(), '(4,), eps=1e-05');
  assert.equal(new nn.LayerNorm([3, 4], { elementwise_affine: false }).extra_repr(), '(3, 4), eps=1e-05, elementwise_affine=False');
});

test('shape errors name the expected layout', () => {
  assert.throws(() => new nn.BatchNorm2d(3)(rnd([4, 3])), /expected 4D input \(got 2D input\): expected \[N, 3, H, W\], got \[4, 3\]/);
  assert.throws(() => new nn.BatchNorm1d(3)(rnd([4, 5])), /input has 5 channels, num_features is 3: expected \[N, 3\] or \[N, 3, L\], got \[4, 5\]/);
  assert.throws(() => new nn.LayerNorm(4)(rnd([2, 5])), /expected \[\*, 4\], got \[2, 5\]/);
  assert.throws(
    () => new nn.BatchNorm2d(3)(rnd([4, 3])),
    (e: Error) => e.name === 'ShapeError' && e.message.includes('BatchNorm2d(3)'),
  );
});
