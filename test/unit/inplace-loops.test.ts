// Loops PyTorch scripts write by hand, as they port: a manual SGD update under no_grad with the in-place methods
// (add_, sub_ with alpha=, mul_, div_, zero_, fill_, copy_, clamp_; PyTorch's broadcasting and errors), an RNN
// language model carrying its hidden state between batches with detach(), and a loader that is not shuffled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, nn, F, optim, DataLoader, TensorDataset, type Tensor } from '../../engine/index';

test('in-place arithmetic: values, broadcasting, alpha, and the tensor itself returned', () => {
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  const same = x.add_(torch.tensor([10, 20, 30]));
  assert.equal(same, x);
  assert.deepEqual(Array.from(x.data), [11, 22, 33, 14, 25, 36]);
  x.sub_(torch.tensor([[1], [4]]), { alpha: 2 });
  assert.deepEqual(Array.from(x.data), [9, 20, 31, 6, 17, 28]);
  x.add_(1, { alpha: -1 }).mul_(2).div_(torch.tensor(4));
  assert.deepEqual(Array.from(x.data), [4, 9.5, 15, 2.5, 8, 13.5]);
  x.clamp_(3, 10);
  assert.deepEqual(Array.from(x.data), [4, 9.5, 10, 3, 8, 10]);
  x.zero_().fill_(7);
  assert.deepEqual(Array.from(x.data), [7, 7, 7, 7, 7, 7]);
  x.copy_(torch.tensor([[1, 2, 3], [4, 5, 6]]));
  assert.deepEqual(x.shape, [2, 3]);
  // PyTorch: the result must keep self's shape.
  assert.throws(() => torch.tensor([1, 2]).add_(torch.zeros(2, 2)), /output with shape \[2\] doesn't match the broadcast shape \[2, 2\]/);
  assert.throws(() => x.add_(x, { alpah: 2 } as unknown as { alpha: number }), /options must be \{ alpha: number \}/);
  assert.throws(() => x.sub_(x.data as unknown as Tensor), /pass the tensor itself/);
});

test('in-place on a parameter: an error under gradients (as PyTorch), allowed under no_grad; graph tensors refused', () => {
  const w = new nn.Parameter(torch.tensor([1, 2]));
  assert.throws(() => w.sub_(1), /a leaf tensor that requires grad .* torch\.no_grad/);
  torch.no_grad(() => w.sub_(1));
  assert.deepEqual(Array.from(w.data), [0, 1]);
  const y = w.mul(2);
  assert.throws(() => y.add_(1), /Tensor\.add_\(\) on a tensor that gradients flow through is not in Gradlens yet: write x = x\.add\(\.\.\.\)/);
  assert.throws(() => torch.zeros(2).add_(w), /not in Gradlens yet/);
});

test('raw values: p.data.sub_(...) says Tensor.data is a Float32Array and where the method is', () => {
  const p = new nn.Parameter(torch.tensor([1, 2]));
  const raw = p.data as unknown as { sub_(x: unknown): void; mul(x: number): unknown };
  assert.throws(() => raw.sub_(1), /\.data\.sub_\(\): in Gradlens Tensor\.data is the raw Float32Array.*p\.sub_\(p\.grad, \{ alpha: lr \}\)/);
  assert.throws(() => raw.mul(0.1), /\.data\.mul\(\)/);
  assert.ok(!Object.keys(new Float32Array(2)).includes('sub_'), 'not enumerable');
});

/** Two well separated blobs: a linear classifier can reach a low loss. */
function blobs(n: number): [Tensor, Tensor] {
  torch.manual_seed(3);
  const x = torch.randn(n, 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x.data[2 * i] += i % 2 ? 2 : -2;
  }
  return [x, torch.tensor(y)];
}

test('a manual SGD loop (no optimizer) with sub_ and add_(alpha=) under no_grad learns, on a loader that is not shuffled', () => {
  const [x, y] = blobs(256);
  const loader = new DataLoader(new TensorDataset(x, y), { batch_size: 32 });
  // Not shuffled: every epoch hands out the samples in their order.
  const firstTargets = (): number[] => Array.from([...loader][0][1].data);
  assert.deepEqual(firstTargets(), firstTargets());
  assert.deepEqual(firstTargets(), Array.from(y.data.subarray(0, 32)));
  torch.manual_seed(0);
  const model = new nn.Linear(2, 2);
  const lr = 0.5;
  const losses: number[] = [];
  for (let epoch = 0; epoch < 5; epoch++) {
    let total = 0;
    for (const [inputs, targets] of loader) {
      model.zero_grad();
      const loss = F.cross_entropy(model(inputs), targets);
      loss.backward();
      torch.no_grad(() => {
        const [w, b] = model.parameters();
        w.sub_((w.grad as Tensor).mul(lr)); // p.data -= lr * p.grad
        b.add_(b.grad as Tensor, { alpha: -lr }); // p.data.add_(p.grad, alpha=-lr)
      });
      total += loss.item();
    }
    losses.push(total / loader.length);
  }
  assert.ok(losses[4] < losses[0] * 0.5, `loss ${losses.map((l) => l.toFixed(3)).join(' -> ')}`);
});

test('an RNN language model carries its hidden state between batches with detach(), and learns', () => {
  // A repeating sequence 0 1 2 3 0 1 2 3 ...: the next token is predictable from the current one.
  const vocab = 4;
  const T = 8;
  const N = 4;
  torch.manual_seed(1);
  const embed = new nn.Embedding(vocab, 8);
  const rnn = new nn.RNN(8, 16, { batch_first: true });
  const head = new nn.Linear(16, vocab);
  const params = [...embed.parameters(), ...rnn.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 0.02 });
  const tokens = (start: number): Tensor => torch.tensor(Array.from({ length: N }, (_, n) => Array.from({ length: T + 1 }, (_, t) => (start + n + t) % vocab)));
  let hidden: Tensor | null = null;
  const losses: number[] = [];
  for (let batch = 0; batch < 60; batch++) {
    const seq = tokens(batch * T);
    const inputs = seq.narrow(1, 0, T);
    const targets = seq.narrow(1, 1, T).reshape(-1);
    opt.zero_grad();
    const [out, h]: [Tensor, Tensor] = rnn(embed(inputs), hidden);
    // Truncated backpropagation through time: keep the state, cut its graph.
    hidden = h.detach();
    assert.equal(hidden.requires_grad, false);
    assert.equal(hidden.grad_fn, null);
    const loss = F.cross_entropy(head(out).reshape(-1, vocab), targets);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses.at(-1)! < 0.2 * losses[0], `loss ${losses[0].toFixed(3)} -> ${losses.at(-1)?.toFixed(3)}`);
  // The carried state fed the next batch: without detach, backward would run into the previous batch's graph.
  assert.deepEqual(hidden?.shape, [1, N, 16]);
});
