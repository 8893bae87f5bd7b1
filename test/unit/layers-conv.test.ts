// nn.Conv1d / nn.Conv2d and F.conv1d / F.conv2d: shapes, hand-computed values, gradients by central
// differences, PyTorch's parameter shapes, init and reprs, and the shape errors a user sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, makeOp, nn, tensor, type Tensor } from '../../engine/index';
import { assertAllClose, assertGradcheck, rnd } from './layers-helpers';

test('Conv2d output shapes follow floor((H + 2p - d(k-1) - 1)/s) + 1', () => {
  assert.deepEqual(new nn.Conv2d(1, 10, 5)(rnd([2, 1, 28, 28])).shape, [2, 10, 24, 24]);
  assert.deepEqual(new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1 })(rnd([1, 3, 7, 8])).shape, [1, 4, 4, 4]);
  assert.deepEqual(new nn.Conv2d(2, 2, 3, { dilation: 2 })(rnd([1, 2, 9, 9])).shape, [1, 2, 5, 5]);
  assert.deepEqual(new nn.Conv2d(2, 6, [2, 3], { stride: [1, 2], padding: [1, 0] })(rnd([2, 2, 4, 7])).shape, [2, 6, 5, 3]);
  assert.deepEqual(new nn.Conv2d(2, 3, 4, { padding: 'same' })(rnd([1, 2, 5, 6])).shape, [1, 3, 5, 6]);
  assert.deepEqual(new nn.Conv2d(2, 3, 4, { padding: 'valid' })(rnd([1, 2, 5, 6])).shape, [1, 3, 2, 3]);
  // Unbatched input [C, H, W], as PyTorch 1.13 accepts.
  assert.deepEqual(new nn.Conv2d(2, 3, 3)(rnd([2, 5, 5])).shape, [3, 3, 3]);
});

test('Conv1d output shapes, including unbatched [C, L]', () => {
  assert.deepEqual(new nn.Conv1d(2, 4, 3, { stride: 2, padding: 1 })(rnd([3, 2, 8])).shape, [3, 4, 4]);
  assert.deepEqual(new nn.Conv1d(2, 4, 3, { dilation: 2 })(rnd([2, 9])).shape, [4, 5]);
  assert.deepEqual(new nn.Conv1d(2, 2, 2, { padding: 'same' })(rnd([1, 2, 7])).shape, [1, 2, 7]);
});

test('conv2d values by hand: a 2x2 kernel over a 3x3 image, with bias', () => {
  const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
  const w = tensor([[[[1, 0], [0, -1]]]]);
  const y = F.conv2d(x, w, tensor([10]));
  // Each output is x[i][j] - x[i+1][j+1] + 10 = -4 + 10.
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(y.data), [6, 6, 6, 6]);
  // With padding 1 the corners see only one input: top-left is -x[0][0]... (0 - 1) + 10 = 9, bottom-right 9 + 10.
  const yp = F.conv2d(x, w, tensor([10]), 1, 1);
  assert.deepEqual(yp.shape, [1, 1, 4, 4]);
  assert.equal(yp.data[0], 9);
  assert.equal(yp.data[15], 19);
});

test("padding='same' with an even kernel puts the extra zero row and column at the end, as PyTorch", () => {
  const x = tensor([[[[1, 2], [3, 4]]]]);
  const w = tensor([[[[1, 1], [1, 1]]]]);
  const y = F.conv2d(x, w, null, { padding: 'same' });
  assert.deepEqual(Array.from(y.data), [10, 6, 7, 4]);
});

test('conv1d values by hand, with padding', () => {
  const x = tensor([[[1, 2, 3, 4, 5]]]);
  const w = tensor([[[1, 0, -1]]]);
  assert.deepEqual(Array.from(F.conv1d(x, w, tensor([0.5])).data), [-1.5, -1.5, -1.5]);
  assert.deepEqual(Array.from(F.conv1d(x, w, tensor([0.5]), 1, 1).data), [-1.5, -1.5, -1.5, -1.5, 4.5]);
});

test('groups: a depthwise convolution equals one convolution per channel', () => {
  const x = rnd([2, 3, 5, 5], 3);
  const w = rnd([3, 1, 3, 3], 4);
  const y = F.conv2d(x, w, null, { groups: 3, padding: 1 });
  for (let c = 0; c < 3; c++) {
    const yc = F.conv2d(x.narrow(1, c, 1), w.narrow(0, c, 1), null, { padding: 1 });
    assertAllClose(y.narrow(1, c, 1).data, yc.data, 1e-6, `channel ${c}`);
  }
});

test('Conv2d parameters: PyTorch shapes, names and default init bounds', () => {
  const conv = new nn.Conv2d(4, 6, 3, { groups: 2 });
  assert.deepEqual(conv.named_parameters().map(([n, p]) => [n, p.shape]), [['weight', [6, 2, 3, 3]], ['bias', [6]]]);
  const bound = 1 / Math.sqrt(2 * 9);
  for (const p of conv.parameters()) for (const v of p.data) assert.ok(Math.abs(v) <= bound, `${v} outside ±${bound}`);
  assert.equal(new nn.Conv1d(2, 3, 4, { bias: false }).bias, null);
  assert.deepEqual(new nn.Conv1d(2, 3, 4, { bias: false }).weight.shape, [3, 2, 4]);
});

test('extra_repr reads like PyTorch', () => {
  assert.equal(new nn.Conv2d(1, 10, 5).displayName(), 'Conv2d(1, 10, kernel_size=(5, 5), stride=(1, 1))');
  assert.equal(
    new nn.Conv2d(4, 8, [3, 1], { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }).extra_repr(),
    '4, 8, kernel_size=(3, 1), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False',
  );
  assert.equal(new nn.Conv1d(2, 3, 3, { padding: 'same' }).extra_repr(), '2, 3, kernel_size=(3,), stride=(1,), padding=same');
});

test('gradients of Conv2d match central differences (stride, padding, dilation, groups, bias)', () => {
  const cases: Array<[string, nn.Conv2d, number[]]> = [
    ['plain', new nn.Conv2d(2, 3, 3), [2, 2, 5, 5]],
    ['stride2_pad1', new nn.Conv2d(2, 2, 3, { stride: 2, padding: 1 }), [1, 2, 6, 5]],
    ['dilation_groups', new nn.Conv2d(4, 4, 2, { dilation: 2, groups: 2, padding: 1 }), [1, 4, 5, 5]],
    ['same_even_kernel', new nn.Conv2d(1, 2, [2, 4], { padding: 'same', bias: false }), [2, 1, 3, 4]],
  ];
  for (const [name, conv, shape] of cases) {
    const x = rnd(shape, 11, true);
    assertGradcheck(name, () => conv(x), [x, ...conv.parameters()]);
  }
});

test('gradients of Conv1d match central differences', () => {
  const conv = new nn.Conv1d(4, 2, 3, { stride: 2, padding: 2, groups: 2 });
  const x = rnd([2, 4, 7], 5, true);
  assertGradcheck('conv1d', () => conv(x), [x, ...conv.parameters()]);
});

test('the gradient check itself catches a wrong backward', () => {
  const x = rnd([3, 4], 2, true);
  // Forward x², backward claims x (half the true derivative).
  const wrongSquare = (): Tensor =>
    makeOp('bad_square', [x], x.data.map((v) => v * v), x.shape, (g) => [g.map((gi, i) => gi * x.data[i])]);
  assert.throws(() => assertGradcheck('bad_square', wrongSquare, [x]), /autograd .* vs central difference/);
});

test('shape errors name the layer and the expected and actual shapes', () => {
  const conv = new nn.Conv2d(1, 10, 5);
  assert.throws(
    () => conv(rnd([64, 784])),
    (e: Error) =>
      e.name === 'ShapeError' &&
      e.message.includes('Conv2d(1, 10, kernel_size=(5, 5), stride=(1, 1))') &&
      e.message.includes('expected [N, 1, H, W], got [64, 784]') &&
      e.message.includes('reshape'),
  );
  assert.throws(() => conv(rnd([2, 3, 28, 28])), /input has 3 channels, the weight expects 1: expected \[N, 1, H, W\], got \[2, 3, 28, 28\]/);
  assert.throws(() => conv(rnd([1, 1, 4, 4])), /input of 4x4 \(padded to 4x4\) is smaller than the 5x5 kernel/);
  assert.throws(() => new nn.Conv1d(3, 4, 3)(rnd([2, 2, 9])), /expected \[N, 3, L\], got \[2, 2, 9\]/);
});

test('constructor arguments are validated like PyTorch', () => {
  assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /in_channels must be divisible by groups/);
  assert.throws(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), /out_channels must be divisible by groups/);
  assert.throws(() => new nn.Conv2d(4, 4, 3, { padding: 'same', stride: 2 }), /not supported for strided convolutions/);
  assert.throws(() => new nn.Conv2d(4, 4, 0), /kernel_size must be a positive integer/);
});
