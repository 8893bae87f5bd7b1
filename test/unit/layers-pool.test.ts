// nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d and their F.* forms: values and gradients by hand, output
// sizes (ceil_mode, padding), central-difference gradients, reprs and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, arange, nn, ones, tensor } from '../../engine/index';
import { assertAllClose, assertGradcheck, rnd } from './layers-helpers';

const grid = (h: number, w: number, requires_grad = false) => {
  const t = arange(h * w).reshape(1, 1, h, w);
  return requires_grad ? tensor(t.data, { shape: t.shape, requires_grad }) : t;
};

test('MaxPool2d(2): stride defaults to the kernel, values and gradient go to each window maximum', () => {
  const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 0, 1, 1], [9, 0, 1, 2]]]], { requires_grad: true });
  const y = new nn.MaxPool2d(2)(x);
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(y.data), [5, 8, 9, 2]);
  y.backward(tensor([1, 2, 3, 4], { shape: [1, 1, 2, 2] }));
  assert.deepEqual(Array.from(x.grad!.data), [0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4]);
});

test('max_pool2d output sizes: odd input, padding, ceil_mode, overlap, unbatched', () => {
  assert.deepEqual(F.max_pool2d(rnd([1, 2, 5, 5]), 2).shape, [1, 2, 2, 2]);
  assert.deepEqual(F.max_pool2d(rnd([1, 2, 5, 5]), 2, { ceil_mode: true }).shape, [1, 2, 3, 3]);
  assert.deepEqual(F.max_pool2d(rnd([1, 2, 5, 5]), 2, 2, 0, 1, true).shape, [1, 2, 3, 3]);
  assert.deepEqual(F.max_pool2d(rnd([1, 2, 5, 6]), 3, 2, 1).shape, [1, 2, 3, 3]);
  assert.deepEqual(F.max_pool2d(rnd([1, 1, 4, 4]), 2, 1).shape, [1, 1, 3, 3]);
  assert.deepEqual(new nn.MaxPool2d([2, 3])(rnd([3, 6, 6])).shape, [3, 3, 2]);
  // ceil_mode never starts a window wholly inside the right padding (PyTorch's rule).
  assert.deepEqual(F.max_pool2d(rnd([1, 1, 4, 4]), 2, { stride: 2, padding: 1, ceil_mode: true }).shape, [1, 1, 3, 3]);
});

test('max_pool2d with padding ignores the padded border (it is -inf)', () => {
  const x = tensor([[[[-1, -2], [-3, -4]]]]);
  assert.deepEqual(Array.from(F.max_pool2d(x, 2, 1, 1).data), [-1, -1, -2, -1, -1, -2, -3, -3, -4]);
});

test('AvgPool2d: values by hand; count_include_pad decides the border divisor', () => {
  assert.deepEqual(Array.from(new nn.AvgPool2d(2)(grid(4, 4)).data), [2.5, 4.5, 10.5, 12.5]);
  const x = ones([1, 1, 2, 2]);
  const incl = new nn.AvgPool2d(2, { stride: 1, padding: 1 })(x);
  assert.deepEqual(Array.from(incl.data), [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
  const excl = new nn.AvgPool2d(2, { stride: 1, padding: 1, count_include_pad: false })(x);
  assert.deepEqual(Array.from(excl.data), [1, 1, 1, 1, 1, 1, 1, 1, 1]);
  const over = F.avg_pool2d(grid(2, 2), 2, { divisor_override: 2 });
  assert.deepEqual(Array.from(over.data), [3]);
  // PyTorch's positional order: stride, padding, ceil_mode, count_include_pad.
  assert.deepEqual(Array.from(F.avg_pool2d(x, 2, 1, 1, false, false).data), Array.from(excl.data));
});

test('avg_pool2d gradient spreads each output gradient over its window', () => {
  const x = grid(2, 4, true);
  F.avg_pool2d(x, 2).backward(tensor([4, 8], { shape: [1, 1, 1, 2] }));
  assert.deepEqual(Array.from(x.grad!.data), [1, 1, 2, 2, 1, 1, 2, 2]);
});

test('AdaptiveAvgPool2d: PyTorch bins floor(i*H/out) .. ceil((i+1)*H/out)', () => {
  // 5 -> 2: rows/cols [0,3) and [2,5) overlap at 2.
  const y = new nn.AdaptiveAvgPool2d([2, 2])(grid(5, 5));
  assertAllClose(y.data, [6, 8, 16, 18]);
  assert.deepEqual(new nn.AdaptiveAvgPool2d(1)(rnd([2, 3, 4, 5])).shape, [2, 3, 1, 1]);
  assert.deepEqual(new nn.AdaptiveAvgPool2d([null, 2])(rnd([1, 3, 4, 5])).shape, [1, 3, 4, 2]);
  const g = F.adaptive_avg_pool2d(rnd([2, 3, 7]), [3, 2]);
  assert.deepEqual(g.shape, [2, 3, 2]);
  assertAllClose(new nn.AdaptiveAvgPool2d(1)(grid(3, 3)).data, [4]);
});

test('pooling gradients match central differences', () => {
  // Distinct values spaced far beyond eps, so no max-pool tie flips under perturbation.
  const x = tensor(Float32Array.from({ length: 2 * 2 * 5 * 6 }, (_, i) => ((i * 37) % 60) * 0.1), { shape: [2, 2, 5, 6], requires_grad: true });
  assertGradcheck('max_pool2d', () => F.max_pool2d(x, 3, { stride: 2, padding: 1, ceil_mode: true }), [x]);
  assertGradcheck('avg_pool2d', () => F.avg_pool2d(x, 3, { stride: 2, padding: 1, count_include_pad: false }), [x]);
  assertGradcheck('avg_pool2d_ceil', () => F.avg_pool2d(x, 2, { ceil_mode: true }), [x]);
  assertGradcheck('adaptive_avg_pool2d', () => F.adaptive_avg_pool2d(x, [3, 4]), [x]);
});

test('extra_repr', () => {
  assert.equal(new nn.MaxPool2d(2).displayName(), 'MaxPool2d(kernel_size=2, stride=2, padding=0)');
  assert.equal(new nn.AvgPool2d(3, { stride: 2, padding: 1 }).extra_repr(), 'kernel_size=3, stride=2, padding=1');
  assert.equal(new nn.AdaptiveAvgPool2d([2, null]).extra_repr(), 'output_size=(2, None)');
});

test('errors: rank, too large a window, too much padding', () => {
  assert.throws(() => new nn.MaxPool2d(2)(rnd([4, 10])), /expected \[N, C, H, W\], got \[4, 10\]/);
  assert.throws(() => F.max_pool2d(rnd([1, 1, 2, 2]), 3), /smaller than the 3x3 window/);
  assert.throws(() => F.avg_pool2d(rnd([1, 1, 6, 6]), 2, 2, 2), /pad should be at most half of kernel size/);
  assert.throws(() => new nn.MaxPool2d(2, { dilation: 2 }), /dilation other than 1 is not supported/);
  assert.throws(() => F.max_pool2d(rnd([1, 1, 6, 6]), 2, 2, 0, 2), /dilation other than 1 is not supported/);
});
