import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, TensorDataset, Tensor, data, datasets, transforms, tensor } from '../../engine/index';

const MEAN = 0.1307;
const STD = 0.3081;

test('datasets.MNIST with ToTensor: 8,000 train and 2,000 test digits, [1, 28, 28] per sample, class-index targets', () => {
  const train = new datasets.MNIST('./data', { train: true, transform: transforms.ToTensor(), download: true });
  const testSet = new datasets.MNIST('./data', { train: false, transform: transforms.ToTensor() });
  assert.equal(train.length, 8000);
  assert.equal(testSet.length, 2000);
  const [img, label] = train.get(0);
  assert.ok(img instanceof Tensor);
  assert.deepEqual(img.shape, [1, 28, 28]);
  const ref = data.mnist({ normalize: false }).load();
  assert.equal(label, ref.train.y[0], "the first digit's label is data.mnist's");
  assert.deepEqual(img.data, ref.train.x.slice(0, 784), 'ToTensor keeps the [0, 1] pixels');
  assert.equal(testSet.get(0)[1], ref.test?.y[0]);
  assert.equal(train.get(-1)[1], ref.train.y[7999]);
  assert.throws(() => train.get(8000), /out of range/);
});

test('DataLoader over datasets.MNIST yields [inputs [N, 1, 28, 28], targets [N]]', () => {
  const train = new datasets.MNIST('./data', { train: true, transform: transforms.ToTensor() });
  const loader = new DataLoader(train, { batch_size: 64, shuffle: true });
  assert.equal(loader.len, 125);
  const [inputs, targets] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
  assert.deepEqual(inputs.shape, [64, 1, 28, 28]);
  assert.deepEqual(targets.shape, [64]);
  for (const t of targets.data) assert.ok(Number.isInteger(t) && t >= 0 && t <= 9);
});

test('Normalize((0.1307,), (0.3081,)) computes (x - mean) / std in float32, equal to data.mnist normalized', () => {
  const t = transforms.Compose([transforms.ToTensor(), transforms.Normalize([MEAN], [STD])]);
  const train = new datasets.MNIST('./data', { transform: t });
  const raw = data.mnist({ normalize: false }).load().train.x;
  const norm = data.mnist({ normalize: true }).load().train.x;
  const [img] = train.get(3);
  assert.ok(img instanceof Tensor);
  for (let k = 0; k < 784; k++) {
    const x = raw[3 * 784 + k];
    assert.ok(Math.abs(img.data[k] - (x - MEAN) / STD) < 1e-6, `pixel ${k}`);
  }
  assert.deepEqual(train.x, norm, 'bit for bit the normalised data.mnist');
  // The background pixel 0 becomes -mean/std, PyTorch's -0.4242.
  assert.equal(Math.round(Math.min(...img.data) * 1e4) / 1e4, -0.4242);
});

test('Normalize applies per channel and rejects bad input', () => {
  const x = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
  const y = transforms.Normalize([1, 2], [2, 4])(x) as Tensor;
  assert.deepEqual(Array.from(y.data), [0, 0.5, 1, 1.5, 0.75, 1, 1.25, 1.5]);
  assert.throws(() => transforms.Normalize([0.5], [0]), /std evaluated to zero/);
  assert.throws(() => transforms.Normalize([0, 0, 0], [1, 1, 1])(x), /3 values but the tensor has 2 channels/);
  assert.throws(() => transforms.Normalize([0], [1])(new Tensor(new Float32Array(4), [4])), /ToTensor\(\) before Normalize/);
  assert.throws(() => transforms.Compose([transforms.Normalize([0], [1]), transforms.ToTensor()])(new transforms.Image(new Float32Array(4), 2, 2)), /ToTensor\(\) before Normalize/);
});

test('MNIST without ToTensor yields Images, and a DataLoader over it says to add ToTensor', () => {
  const train = new datasets.MNIST('./data', { train: false });
  const [img, label] = train.get(0);
  assert.ok(img instanceof transforms.Image);
  assert.deepEqual(img.size, [28, 28]);
  assert.equal(typeof label, 'number');
  assert.throws(() => new DataLoader(train, { batch_size: 4 }), /transforms\.ToTensor\(\)/);
});

test('TensorDataset: per-sample shapes, indexing, and a DataLoader over it', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  const y = tensor([0, 1, 0]);
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 3);
  const [xi, yi] = ds.get(1);
  assert.deepEqual(xi.shape, [2]);
  assert.deepEqual(Array.from(xi.data), [3, 4]);
  assert.deepEqual(yi.shape, []);
  assert.equal(yi.item(), 1);
  const batches = [...new DataLoader(ds, { batch_size: 2 })];
  assert.deepEqual(batches.map(([a, b]) => [a.shape, b.shape]), [[[2, 2], [2]], [[1, 2], [1]]]);
  assert.throws(() => new TensorDataset(x, tensor([0, 1])), /size mismatch/);
  assert.throws(() => new TensorDataset(x), /expected two tensors/);
});

test('shuffling over a dataset is deterministic: the same seed gives the same order, another seed another', () => {
  const ds = new TensorDataset(tensor(Array.from({ length: 50 }, (_, i) => [i])), tensor(Array.from({ length: 50 }, (_, i) => i)));
  const order = (seed: number): number[] => [...new DataLoader(ds, { batch_size: 50, shuffle: true, seed })][0][1].data.slice().reduce<number[]>((a, v) => [...a, v], []);
  assert.deepEqual(order(3), order(3));
  assert.notDeepEqual(order(3), order(4));
  assert.notDeepEqual(order(3), Array.from({ length: 50 }, (_, i) => i));
});
