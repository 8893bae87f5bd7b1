// nn.Embedding / F.embedding: lookup, padding_idx (zero row, no gradient), gradient accumulation for repeated
// indices, N(0, 1) init, errors for bad indices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, manual_seed, nn, tensor } from '../../engine/index';
import { assertAllClose, assertGradcheck, rnd } from './layers-helpers';

test('lookup: output is input.shape + [embedding_dim], rows of the weight', () => {
  const emb = new nn.Embedding(5, 3);
  const idx = tensor([[0, 4, 2], [2, 2, 1]]);
  const y = emb(idx);
  assert.deepEqual(y.shape, [2, 3, 3]);
  assertAllClose(y.data.subarray(3, 6), emb.weight.data.subarray(12, 15), 0);
  assertAllClose(y.data.subarray(15, 18), emb.weight.data.subarray(3, 6), 0);
});

test('repeated indices accumulate gradient; padding_idx row starts at zero and gets none', () => {
  const emb = new nn.Embedding(4, 2, { padding_idx: -1 });
  assert.equal(emb.padding_idx, 3);
  assert.deepEqual(Array.from(emb.weight.data.subarray(6, 8)), [0, 0]);
  emb(tensor([1, 1, 3, 0])).sum().backward();
  assert.deepEqual(Array.from(emb.weight.grad!.data), [1, 1, 2, 2, 0, 0, 0, 0]);
});

test('gradient of the weight matches central differences', () => {
  const w = rnd([6, 3], 5, true);
  const idx = tensor([[0, 5, 5], [2, 1, 0]]);
  assertGradcheck('embedding', () => F.embedding(idx, w), [w]);
});

test('default init is N(0, 1)', () => {
  manual_seed(3);
  const d = new nn.Embedding(1000, 20).weight.data;
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  // 20000 samples: standard error of the mean 0.007, of the std 0.005.
  assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`);
});

test('bad indices and padding_idx are rejected', () => {
  const emb = new nn.Embedding(4, 2);
  assert.throws(() => emb(tensor([0, 4])), /index 4 at position 1 is not an integer in \[0, 3\]/);
  assert.throws(() => emb(tensor([0.5])), /index 0.5 at position 0/);
  assert.throws(() => new nn.Embedding(4, 2, { padding_idx: 4 }), /padding_idx must be within num_embeddings/);
  assert.equal(emb.displayName(), 'Embedding(4, 2)');
  assert.equal(new nn.Embedding(4, 2, { padding_idx: 0 }).extra_repr(), '4, 2, padding_idx=0');
});

test('Embedding(_weight, _freeze) as PyTorch: the given weight as is (padding row kept), frozen on request', () => {
  const w = tensor([[1, 2], [3, 4], [5, 6]]);
  const e = new nn.Embedding(3, 2, 1, null, 2, false, false, w, true);
  assert.deepEqual(Array.from(e.weight.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(e.weight.requires_grad, false);
  assert.throws(() => new nn.Embedding(3, 2, { _weight: tensor([[1, 2]]) }), /Embedding: _weight must have shape \[3, 2\], got \[1, 2\]/);
  assert.throws(() => new nn.Embedding(3, 2, { max_norm: 1 }), /nn\.Embedding\(\): argument 'max_norm' must be null \(max_norm renormalisation is not implemented\)/);
});
