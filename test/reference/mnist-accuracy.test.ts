// End to end against PyTorch: the MNIST MLP (784-256-10, ReLU) trained by the engine with Adam lr 1e-3, batch 64,
// for 3 epochs on data.mnist({ train: 8000, test: 2000 }) must score within 1.5 points of the median PyTorch 1.13
// reaches with the same model, optimiser, batch size and split (test/fixtures/pytorch_mnist_accuracy.json, written by
// test/fixtures/pytorch_mnist_accuracy.py). Random draws differ (initial weights, shuffling), so the comparison is
// of the accuracy reached, with a margin several times the spread PyTorch shows across its seeds.
// The loop is written out here with the user-facing API (not the trainer) so it tests only the engine's math.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manual_seed, nn, no_grad, optim, tensor, type Tensor } from '../../engine/index';
import { DataLoader, mnist } from '../../engine/data/index';
import { loadFixture } from './fixtures';

interface AccuracyFile {
  mlp: Record<string, { median: number; per_seed: number[] }>;
}

const torchResult = loadFixture<never>('pytorch_mnist_accuracy.json') as unknown as AccuracyFile;

function accuracy(model: nn.Module, x: Float32Array, y: Float32Array, n: number): number {
  let correct = 0;
  no_grad(() => {
    for (let start = 0; start < n; start += 500) {
      const b = Math.min(500, n - start);
      const logits: Tensor = model(tensor(x.subarray(start * 784, (start + b) * 784), { shape: [b, 784] }));
      const pred = logits.argmax(1).data;
      for (let i = 0; i < b; i++) if (pred[i] === y[start + i]) correct++;
    }
  });
  return correct / n;
}

test('MNIST MLP: engine accuracy after 3 epochs is within 1.5 points of PyTorch', { timeout: 600_000 }, (t) => {
  manual_seed(0);
  const ds = mnist({ train: 8000, test: 2000, flatten: true }).load();
  const test = ds.test;
  if (!test) throw new Error('data.mnist returned no test split');
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new DataLoader(ds.train, { batch_size: 64, shuffle: true, seed: 0 });
  for (let epoch = 0; epoch < 3; epoch++) {
    for (const { x, y } of loader) {
      opt.zero_grad();
      lossFn(model(x), y).backward();
      opt.step();
    }
  }
  const acc = accuracy(model, test.x, test.y, test.n);
  const reference = torchResult.mlp.epoch_3.median;
  t.diagnostic(`engine ${acc.toFixed(4)}, PyTorch median ${reference.toFixed(4)}`);
  assert.ok(
    acc >= reference - 0.015,
    `engine test accuracy ${acc.toFixed(4)} after 3 epochs; PyTorch median ${reference.toFixed(4)} (seeds ${torchResult.mlp.epoch_3.per_seed.map((v) => v.toFixed(4)).join(', ')})`,
  );
});
