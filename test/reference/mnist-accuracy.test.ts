// End to end against PyTorch: the MNIST MLP (784-256-10, ReLU) and CNN trained by the engine with Adam lr 1e-3, batch
// 64, for 3 epochs on data.mnist({ train: 8000, test: 2000 }) must score within 1 point of the median PyTorch 1.13
// reaches with the same model, optimiser, batch size and split (test/fixtures/pytorch_mnist_accuracy.json, written by
// test/fixtures/pytorch_mnist_accuracy.py). Random draws differ (initial weights, shuffling), so the comparison is
// of the accuracy reached. The kernels run on the wasm backend (the one a user's run picks for them on a CPU).
// The loop is written out here with the user-facing API (not the trainer) so it tests only the engine's math.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manual_seed, nn, no_grad, optim, tensor, type Tensor } from '../../engine/index';
import { DataLoader, mnist } from '../../engine/data/index';
import { initBackends } from '../../engine/kernels/register-backends';
import { loadFixture } from './fixtures';

interface AccuracyFile {
  mlp: Record<string, { median: number; per_seed: number[] }>;
  cnn: Record<string, { median: number; per_seed: number[] }>;
}

const torchResult = loadFixture<never>('pytorch_mnist_accuracy.json') as unknown as AccuracyFile;

function accuracy(model: nn.Module, x: Float32Array, y: Float32Array, n: number, sample: number[]): number {
  const size = sample.reduce((a, b) => a * b, 1);
  let correct = 0;
  no_grad(() => {
    for (let start = 0; start < n; start += 500) {
      const b = Math.min(500, n - start);
      const logits: Tensor = model(tensor(x.subarray(start * size, (start + b) * size), { shape: [b, ...sample] }));
      const pred = logits.argmax(1).data;
      for (let i = 0; i < b; i++) if (pred[i] === y[start + i]) correct++;
    }
  });
  return correct / n;
}

function trainAndScore(makeModel: () => nn.Module, flatten: boolean, epochs: number): number {
  manual_seed(0);
  const ds = mnist({ train: 8000, test: 2000, flatten }).load();
  const test = ds.test;
  if (!test) throw new Error('data.mnist returned no test split');
  const model = makeModel();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new DataLoader(ds.train, { batch_size: 64, shuffle: true, seed: 0 });
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const { x, y } of loader) {
      opt.zero_grad();
      lossFn(model(x), y).backward();
      opt.step();
    }
  }
  model.eval();
  return accuracy(model, test.x, test.y, test.n, ds.inputShape);
}

function assertWithinOnePoint(name: string, acc: number, reference: { median: number; per_seed: number[] }): void {
  assert.ok(
    Math.abs(acc - reference.median) <= 0.01,
    `${name}: engine test accuracy ${acc.toFixed(4)}; PyTorch median ${reference.median.toFixed(4)} (seeds ${reference.per_seed.map((v) => v.toFixed(4)).join(', ')})`,
  );
}

test.before(async () => {
  // One fixed backend, so the figure does not move with what calibration picks on a busy machine.
  await initBackends({ backend: 'wasm' });
});

test('MNIST MLP: engine accuracy after 3 epochs is within 1 point of PyTorch', { timeout: 600_000 }, (t) => {
  const acc = trainAndScore(() => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)), true, 3);
  t.diagnostic(`engine ${acc.toFixed(4)}, PyTorch median ${torchResult.mlp.epoch_3.median.toFixed(4)}`);
  assertWithinOnePoint('MLP', acc, torchResult.mlp.epoch_3);
});

test('MNIST CNN: engine accuracy after 3 epochs is within 1 point of PyTorch', { timeout: 600_000 }, (t) => {
  const acc = trainAndScore(
    () =>
      new nn.Sequential(
        new nn.Conv2d(1, 10, 5), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(10, 20, 5), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Flatten(), new nn.Linear(320, 50), new nn.ReLU(), new nn.Linear(50, 10),
      ),
    false,
    3,
  );
  t.diagnostic(`engine ${acc.toFixed(4)}, PyTorch median ${torchResult.cnn.epoch_3.median.toFixed(4)}`);
  assertWithinOnePoint('CNN', acc, torchResult.cnn.epoch_3);
});
