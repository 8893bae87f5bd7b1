import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { F, ShapeError, cat, manual_seed, nn, no_grad, randn, stack, tensor, zeros } from '../../engine';
import { makeOp, takeNonFiniteReport } from '../../engine/autograd';
import { forgetFinite, markFinite } from '../../engine/finite';
import { Tensor } from '../../engine/tensor';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  assert.equal(a.length, b.length, 'length');
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `index ${i}: ${a[i]} vs ${b[i]}`);
  }
};

test('broadcasting add/mul forward and gradients sum back to each shape', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]], { requires_grad: true });
  const b = tensor([10, 20, 30], { requires_grad: true });
  const c = tensor([[2], [3]], { requires_grad: true });
  const y = a.add(b).mul(c);
  assert.deepEqual(y.shape, [2, 3]);
  close(y.data, [22, 44, 66, 42, 75, 108]);
  y.sum().backward();
  close(a.grad!.data, [2, 2, 2, 3, 3, 3]);
  close(b.grad!.data, [5, 5, 5]);
  close(c.grad!.data, [66, 75]);
});

test('a tensor used twice accumulates both gradient paths', () => {
  const x = tensor([3], { requires_grad: true });
  x.mul(x).add(x).sum().backward(); // d(x² + x) = 2x + 1
  close(x.grad!.data, [7]);
});

test('backward accumulates into .grad across calls, as PyTorch does', () => {
  const x = tensor([1, 2], { requires_grad: true });
  x.mul(3).sum().backward();
  x.mul(3).sum().backward();
  close(x.grad!.data, [6, 6]);
});

test('matmul gradients match the transposed products', () => {
  const a = tensor([[1, 2], [3, 4], [5, 6]], { requires_grad: true });
  const b = tensor([[1, 0, 2], [0, 1, 3]], { requires_grad: true });
  const y = a.matmul(b);
  close(y.data, [1, 2, 8, 3, 4, 18, 5, 6, 28]);
  y.sum().backward();
  close(a.grad!.data, [3, 4, 3, 4, 3, 4]);
  close(b.grad!.data, [9, 9, 9, 12, 12, 12]);
});

test('batched matmul with a shared right operand', () => {
  const a = tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [2, 2, 2] });
  const b = tensor([[1, 1], [0, 1]]);
  close(a.matmul(b).data, [1, 3, 3, 7, 5, 11, 7, 15]);
});

test('reductions over dims with keepdim', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requires_grad: true });
  close(x.sum(0).data, [5, 7, 9]);
  assert.deepEqual(x.sum(1, true).shape, [2, 1]);
  close(x.mean(1).data, [2, 5]);
  close(x.max(1).data, [3, 6]);
  close(x.argmax(1).data, [2, 2]);
  x.mean().backward();
  close(x.grad!.data, new Array(6).fill(1 / 6));
});

test('shape ops: view, transpose, permute, cat, stack, narrow round-trip gradients', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requires_grad: true });
  close(x.transpose(0, 1).data, [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(x.view(-1).shape, [6]);
  assert.deepEqual(x.permute(1, 0).shape, [3, 2]);
  const c = cat([x, x], 1);
  assert.deepEqual(c.shape, [2, 6]);
  assert.deepEqual(stack([x, x]).shape, [2, 2, 3]);
  close(x.narrow(1, 1, 2).data, [2, 3, 5, 6]);
  c.mul(tensor([1, 2, 3, 4, 5, 6])).sum().backward();
  close(x.grad!.data, [5, 7, 9, 5, 7, 9]);
});

test('a view passes its gradient on without a copy, yet a gradient a hook keeps does not change after', () => {
  // The view's gradient is handed on as it is, and x's other path then adds into it: that must not reach what the
  // view's hook kept (both orders, so the view's gradient arrives first once).
  for (const viewFirst of [true, false]) {
    const x = tensor([1, 2, 3, 4], { requires_grad: true });
    const v = x.view(2, 2);
    let kept: Float32Array | null = null;
    v.register_hook((g) => {
      kept = g;
    });
    const viaView = v.mul(3).sum();
    const direct = x.mul(5).sum();
    (viewFirst ? viaView.add(direct) : direct.add(viaView)).backward();
    assert.deepEqual(Array.from(kept as unknown as Float32Array), [3, 3, 3, 3], `view first: ${viewFirst}`);
    close(x.grad!.data, [8, 8, 8, 8]);
  }
});

test('softmax rows sum to one and log_softmax matches log(softmax)', () => {
  const x = randn([4, 5]);
  const s = x.softmax(1);
  for (let r = 0; r < 4; r++) close([s.data.subarray(r * 5, r * 5 + 5).reduce((p, q) => p + q, 0)], [1]);
  close(x.log_softmax(1).data, Array.from(s.data, Math.log), 1e-5);
});

test('cross_entropy equals nll_loss of log_softmax, and its gradient is softmax - onehot', () => {
  const logits = tensor([[2, 1, 0.1], [0.5, 2.5, 0.2]], { requires_grad: true });
  const target = tensor([0, 1]);
  const ce = F.cross_entropy(logits, target);
  close([ce.item()], [F.nll_loss(logits.log_softmax(1), target).item()]);
  ce.backward();
  const p = logits.detach().softmax(1).data;
  close(logits.grad!.data, [(p[0] - 1) / 2, p[1] / 2, p[2] / 2, p[3] / 2, (p[4] - 1) / 2, p[5] / 2]);
});

test('no_grad records no graph', () => {
  const w = tensor([1, 2], { requires_grad: true });
  const y = no_grad(() => w.mul(2));
  assert.equal(y.requires_grad, false);
  assert.equal(y.grad_fn, null);
});

test('modules are callable, register parameters in order with PyTorch names, and know their source line', () => {
  class Net extends nn.Module {
    fc1 = new nn.Linear(4, 3);
    act = new nn.ReLU();
    fc2 = new nn.Linear(3, 2, { bias: false });
    forward(x: Tensor): Tensor {
      return this.fc2(this.act(this.fc1(x)));
    }
  }
  const net = new Net();
  assert.deepEqual(net.named_parameters().map(([n]) => n), ['fc1.weight', 'fc1.bias', 'fc2.weight']);
  assert.deepEqual(net.fc1.weight.shape, [3, 4]);
  assert.deepEqual(net(zeros([5, 4])).shape, [5, 2]);
  assert.ok(net.fc1.source, 'source recorded');
  assert.match(net.fc1.source!.file, /tensor-core\.test\.ts$/);
  // the line of `fc1 = ...` above (a line number, so computed from this file rather than hard-coded)
  const fc1Line = readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes('fc1 = new nn.Linear(4, 3);')) + 1;
  assert.equal(net.fc1.source!.line, fc1Line);
  const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh());
  assert.deepEqual(seq.named_parameters().map(([n]) => n), ['0.weight', '0.bias']);
  assert.equal(seq.at(0).displayName(), 'Linear(2, 2)');
});

test('Linear default init is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) like PyTorch', () => {
  manual_seed(1);
  const l = new nn.Linear(400, 50);
  const bound = 1 / Math.sqrt(400);
  let max = 0;
  for (const v of l.weight.data) max = Math.max(max, Math.abs(v));
  assert.ok(max <= bound && max > 0.95 * bound, `max |w| ${max} vs bound ${bound}`);
});

test('the same seed gives the same weights bit for bit', () => {
  manual_seed(7);
  const a = new nn.Linear(10, 10).weight.data.slice();
  manual_seed(7);
  const b = new nn.Linear(10, 10).weight.data.slice();
  assert.deepEqual(a, b);
});

test('shape errors name the layer, its source line and both shapes', () => {
  const model = new nn.Sequential(new nn.Linear(784, 10));
  assert.throws(
    () => model(zeros([2, 28, 28])),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(e.message, /Linear\(784, 10\)/);
      assert.match(e.message, /tensor-core\.test\.ts:\d+:\d+/);
      assert.match(e.message, /expected \[\.\.\., 784\], got \[2, 28, 28\]/);
      return true;
    },
  );
});

test('the first non-finite value is traced to its op and the layer that ran it', () => {
  class LogLayer extends nn.Module {
    forward(x: Tensor): Tensor {
      return x.log();
    }
  }
  const model = new nn.Sequential(new nn.Linear(2, 1), new LogLayer());
  const lin = model.at(0) as nn.Linear;
  lin.weight.copy_([1, 1]);
  lin.bias!.copy_([0]);
  takeNonFiniteReport();
  const y = model(tensor([[-1, -1]]));
  assert.ok(Number.isNaN(y.data[0]));
  const first = takeNonFiniteReport();
  assert.equal(first?.op, 'log');
  assert.equal(first?.phase, 'forward');
  assert.equal(first?.layer?.name, 'LogLayer()');
  assert.equal(takeNonFiniteReport(), null, 'the report is cleared once taken');
  makeOp('boom', [], new Float32Array([Infinity, 1]), [2], () => []);
  const r = takeNonFiniteReport();
  assert.equal(r?.op, 'boom');
  assert.equal(r?.infCount, 1);
});

test('a NaN is reported where it was made, not by the relu, view and pooling that pass it on', () => {
  takeNonFiniteReport();
  const x = tensor([[[[-1, 4], [9, 16]]]], { requires_grad: true });
  // relu and max pooling keep the NaN (as torch does), so it still reaches the output and the report
  const y = F.max_pool2d(x.log().relu().view(1, 1, 2, 2), 2);
  assert.ok(Number.isNaN(y.data[0]));
  assert.equal(takeNonFiniteReport()?.op, 'log');
  const z = x.log().relu().sum();
  assert.ok(Number.isNaN(z.data[0]));
  assert.equal(takeNonFiniteReport()?.op, 'log');
  z.backward();
  // relu's gradient mask is false at the NaN (NaN > 0 is false), so no NaN flows back
  assert.equal(takeNonFiniteReport(), null);
  // (0 / -1 is -0, as in torch)
  assert.deepEqual(Array.from(x.grad!.data), [-0, 1 / 4, 1 / 9, 1 / 16].map((v) => Math.fround(v)));
});

test('the NaN/Inf tracker trusts a kernel\'s finite mark and rescans once the mark is forgotten', () => {
  takeNonFiniteReport();
  const data = markFinite(new Float32Array([1, 2]));
  data[1] = Infinity; // as if a bias add overflowed after the kernel's scan...
  makeOp('kernelOut', [], data, [2], () => []);
  assert.equal(takeNonFiniteReport(), null, 'a marked array is not scanned again');
  forgetFinite(data); // ...which is why in-place writers forget the mark
  makeOp('biasAdd', [], data, [2], () => []);
  assert.equal(takeNonFiniteReport()?.op, 'biasAdd');
});
