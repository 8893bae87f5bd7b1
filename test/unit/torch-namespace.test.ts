// The torch namespace, the device no-ops and save/load/load_state_dict as a ported PyTorch script uses them.
// (Value semantics against PyTorch itself are in test/reference/torch-api.test.ts.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nn, torch, type Tensor } from '../../engine/index';

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  fc2 = new nn.Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc2(torch.relu(this.fc1(x)));
  }
}

test('devices: the CPU is a no-op, any other device a clear error', () => {
  const device = torch.device(torch.cuda.is_available() ? 'cuda' : 'cpu');
  assert.equal(String(device), 'cpu');
  const x = torch.ones(2, 4);
  assert.equal(x.to(device), x);
  assert.equal(x.cpu(), x);
  const model = new Net();
  assert.equal(model.to(device), model);
  assert.equal(model.to('cpu').cpu(), model);
  assert.throws(() => torch.device('cuda'), /torch\.device\(\): device 'cuda' is not available in Gradlens, which computes on the CPU/);
  assert.throws(() => x.to('cuda:0'), /Tensor\.to\(\): device 'cuda:0' is not available/);
  assert.throws(() => model.to('mps'), /Net\.to\(\): device 'mps' is not available/);
  assert.throws(() => model.double(), /Net\.double\(\): Gradlens computes in float32 only/);
});

test('factories take PyTorch size forms; manual_seed makes randn repeat', () => {
  assert.deepEqual(torch.zeros(2, 3).shape, [2, 3]);
  assert.deepEqual(torch.zeros([2, 3]).shape, [2, 3]);
  assert.equal(torch.ones(2, 2, { requires_grad: true }).requires_grad, true);
  torch.manual_seed(7);
  const a = Array.from(torch.randn(5).data);
  torch.manual_seed(7);
  assert.deepEqual(Array.from(torch.randn([5]).data), a);
  assert.deepEqual(Array.from(torch.arange(0, 6, 2).data), [0, 2, 4]);
  assert.deepEqual(Array.from(torch.tensor([[1, 2], [3, 4]]).view([4]).data), [1, 2, 3, 4]);
  assert.throws(() => torch.zeros(2, -1), /torch\.zeros\(\): size must be non-negative integers/);
});

test("the seeds' evaluation loop reads as in PyTorch", () => {
  const outputs = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]);
  const targets = torch.tensor([1, 0, 0]);
  let correct = 0;
  torch.no_grad(() => {
    const [values, predicted] = torch.max(outputs, 1);
    assert.deepEqual(Array.from(values.data), Array.from(Float32Array.from([0.9, 0.8, 0.7])));
    correct += predicted.eq(targets).sum().item();
  });
  assert.equal(correct, 2);
  assert.equal(torch.max(outputs).item(), Math.fround(0.9));
  assert.throws(() => torch.max(outputs.data as unknown as Tensor, 1), /torch\.max\(\): got a Float32Array; in Gradlens Tensor\.data is the raw values/);
});

test('Tensor methods: size(dim), view_as, new_zeros, detach, clone, flatten, split errors', () => {
  const x = torch.arange(6).reshape(2, 3);
  assert.equal(x.size(1), 3);
  assert.deepEqual(torch.arange(6).view_as(x).shape, [2, 3]);
  const z = x.new_zeros(4, 1);
  assert.deepEqual([z.shape, Array.from(z.data)], [[4, 1], [0, 0, 0, 0]]);
  const w = torch.ones(2, { requires_grad: true });
  assert.equal(w.detach().requires_grad, false);
  const c = x.clone();
  c.data[0] = 42;
  assert.equal(x.data[0], 0);
  assert.deepEqual(torch.flatten(torch.ones(2, 3, 4), 1).shape, [2, 12]);
  assert.equal(x.argmax().item(), 5);
  assert.throws(() => x.split([1, 2], 0), /sum to 2 \(the size of dim 0\), but they sum to 3/);
});

test('save/load round-trips a state_dict with PyTorch key names; load_state_dict names what does not fit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-save-'));
  try {
    const file = path.join(dir, 'model.pt');
    const a = new Net();
    torch.save(a.state_dict(), file);
    const b = new Net();
    b.load_state_dict(torch.load(file));
    assert.deepEqual(Object.keys(b.state_dict()), ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    for (const [k, v] of Object.entries(a.state_dict())) assert.deepEqual(Array.from(b.state_dict()[k].data), Array.from(v.data), k);

    const sd = torch.load(file);
    delete sd['fc2.bias'];
    sd['fc3.weight'] = torch.zeros(1);
    sd['fc1.weight'] = torch.zeros(4, 3);
    assert.throws(
      () => new Net().load_state_dict(sd),
      (e: Error) =>
        e.message.includes('Error(s) in loading state_dict for Net') &&
        e.message.includes('Missing key(s) in state_dict: "fc2.bias"') &&
        e.message.includes('Unexpected key(s) in state_dict: "fc3.weight"') &&
        e.message.includes('size mismatch for fc1.weight: copying a param with shape [4, 3] from checkpoint, the shape in current model is [3, 4]'),
    );
    const partial = torch.load(file);
    delete partial['fc2.bias'];
    assert.deepEqual(new Net().load_state_dict(partial, false), { missing_keys: ['fc2.bias'], unexpected_keys: [] });

    const foreign = path.join(dir, 'torch.pt');
    writeFileSync(foreign, 'PK\u0003\u0004 not json');
    assert.throws(() => torch.load(foreign), /PyTorch's \.pt files cannot be read/);
    assert.throws(() => torch.save({ model: new Net() }, file), /torch\.save\(\): cannot save obj\.model \(Net\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('torch.rand and the gradlens module\'s zeros/ones/randn/rand take PyTorch\'s size forms (were "shape is not iterable")', async () => {
  const gradlens = await import('../../engine/index');
  for (const make of [torch.rand, gradlens.zeros, gradlens.ones, gradlens.randn, gradlens.rand]) {
    assert.deepEqual(make(2, 3).shape, [2, 3]);
    assert.deepEqual(make([2, 3]).shape, [2, 3]);
    assert.equal(make(2, { requires_grad: true }).requires_grad, true);
  }
  const u = torch.rand(1000);
  assert.ok(u.data.every((v) => v >= 0 && v < 1));
});

test('Tensor.max(dim) / min(dim) unpack as PyTorch\'s (values, indices): `const [, predicted] = outputs.max(1)`', () => {
  const outputs = torch.tensor([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05], [0.2, 0.2, 0.6]]);
  const [values, predicted] = outputs.max(1);
  assert.deepEqual(Array.from(values.data), [0.7, 0.9, 0.6].map(Math.fround));
  assert.deepEqual(Array.from(predicted.data), [1, 0, 2]);
  assert.deepEqual(Array.from(outputs.max(1).indices.data), [1, 0, 2]);
  assert.equal(outputs.max(1).values.shape.length, 1);
  const [, lowest] = outputs.min(1, true);
  assert.deepEqual(lowest.shape, [3, 1]);
  assert.deepEqual(Array.from(lowest.data), [0, 1, 0]);
  // The same as torch.max(x, dim), and still the values tensor where code uses it as one.
  const [, viaTorch] = torch.max(outputs, 1);
  assert.deepEqual(Array.from(viaTorch.data), Array.from(predicted.data));
  assert.ok(Math.abs(outputs.max(1).sum().item() - 2.2) < 1e-6);
  assert.equal(outputs.max().item(), Math.fround(0.9));
  // Gradients still flow through the values.
  const w = torch.tensor([[1, 3], [2, 0]], { requires_grad: true });
  w.max(1).sum().backward();
  assert.deepEqual(Array.from(w.grad?.data ?? []), [0, 1, 1, 0]);
});

test('PyTorch\'s keywords as one options object: torch.cat/stack/sum/mean/softmax/log_softmax/max/min/argmax, loss.backward', () => {
  const x = torch.tensor([[1, 5, 2], [7, 0, 3]]);
  assert.deepEqual(torch.cat([x, x], { dim: 1 }).shape, [2, 6]);
  assert.deepEqual(torch.cat([x, x], 1).shape, [2, 6]);
  assert.deepEqual(torch.stack([x, x], { dim: 2 }).shape, [2, 3, 2]);
  assert.deepEqual(Array.from(torch.sum(x, { dim: 1 }).data), [8, 10]);
  assert.deepEqual(torch.sum(x, { dim: 1, keepdim: true }).shape, [2, 1]);
  assert.deepEqual(Array.from(torch.mean(x, { dim: 0 }).data), [4, 2.5, 2.5]);
  assert.deepEqual(Array.from(torch.mean(x, 0).data), [4, 2.5, 2.5]);
  assert.equal(torch.sum(x).item(), 18);
  assert.deepEqual(Array.from(torch.softmax(x, { dim: 1 }).data), Array.from(torch.softmax(x, 1).data));
  assert.deepEqual(Array.from(torch.log_softmax(x, { dim: 0 }).data), Array.from(torch.log_softmax(x, 0).data));
  const [values, indices] = torch.max(x, { dim: 1 });
  assert.deepEqual([Array.from(values.data), Array.from(indices.data)], [[5, 7], [1, 0]]);
  assert.deepEqual(torch.min(x, { dim: 0, keepdim: true })[1].shape, [1, 3]);
  assert.deepEqual(Array.from(torch.argmax(x, { dim: 1 }).data), [1, 0]);
  // Named in the error, as every signature is.
  assert.throws(() => torch.cat([x, x], { dims: 1 } as unknown as { dim: number }), /torch\.cat\(\) got an unexpected option 'dims'/);
  assert.throws(() => torch.sum(x, { dtype: 'float64' } as unknown as { dim: number }), /torch\.sum\(\).*dtype/);
  assert.throws(() => torch.max(x, { dim: 1, keep: true } as unknown as { dim: number }), /torch\.max\(\) got an unexpected option 'keep'/);
  // backward: PyTorch's retain_graph as a keyword or positionally (graphs are kept), create_graph refused by name.
  const w = torch.tensor([1, 2], { requires_grad: true });
  const loss = w.mul(w).sum();
  const backward = loss.backward as unknown as (...a: unknown[]) => void;
  backward.call(loss, { retain_graph: true });
  backward.call(loss, null, true);
  assert.deepEqual(Array.from(w.grad?.data ?? []), [4, 8], 'two passes accumulate');
  assert.throws(() => backward.call(loss, { create_graph: true }), /create_graph .* is not in Gradlens yet/);
  assert.throws(() => backward.call(loss, 'x'), /gradient must be a Tensor/);
});
