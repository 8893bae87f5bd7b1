// The torch namespace and the Tensor/Module methods PyTorch scripts use, against PyTorch (test/fixtures/torch_api.json,
// written by make_fixtures.py torch_api): torch.max/min with a dim, split, chunk, where (values and gradients), eq,
// and state_dict's key names and order.
import test from 'node:test';
import assert from 'node:assert/strict';
import { nn, torch, type Tensor } from '../../engine/index';
import { loadFixture, toTensor, type TensorJson } from './fixtures';

interface Case {
  name: string;
  kind: string;
  [k: string]: unknown;
}
const fx = loadFixture<Case>('torch_api.json');
const same = (t: Tensor, e: TensorJson, what: string): void => {
  assert.deepEqual(t.shape, e.shape, `${what}: shape`);
  assert.deepEqual(Array.from(t.data), e.values, `${what}: values`);
};

for (const c of fx.cases) {
  test(`torch API: ${c.name}`, () => {
    switch (c.kind) {
      case 'max':
      case 'min': {
        const fn = c.kind === 'max' ? torch.max : torch.min;
        const x = toTensor(c.input as TensorJson);
        if (c.dim === undefined) {
          same(fn(x), c.values as TensorJson, c.name);
          break;
        }
        const [values, indices] = fn(x, c.dim as number, c.keepdim as boolean);
        same(values, c.values as TensorJson, `${c.name} values`);
        same(indices, c.indices as TensorJson, `${c.name} indices`);
        break;
      }
      case 'split':
      case 'chunk': {
        const x = toTensor(c.input as TensorJson);
        const pieces = c.kind === 'split' ? x.split(c.arg as number | number[], c.dim as number) : x.chunk(c.arg as number, c.dim as number);
        const expected = c.pieces as TensorJson[];
        assert.equal(pieces.length, expected.length, `${c.name}: number of pieces`);
        pieces.forEach((p, i) => same(p, expected[i], `${c.name} piece ${i}`));
        break;
      }
      case 'where': {
        const a = toTensor(c.a as TensorJson, true);
        const b = toTensor(c.b as TensorJson, true);
        const out = torch.where(toTensor(c.cond as TensorJson), a, b);
        same(out, c.out as TensorJson, 'where');
        out.backward(toTensor(c.upstream as TensorJson));
        same(a.grad as Tensor, c.grad_a as TensorJson, 'grad a');
        same(b.grad as Tensor, c.grad_b as TensorJson, 'grad b');
        break;
      }
      case 'eq': {
        const out = toTensor(c.a as TensorJson).eq(toTensor(c.b as TensorJson));
        same(out, c.out as TensorJson, 'eq');
        assert.equal(out.sum().item(), c.sum);
        break;
      }
      case 'state_dict': {
        class Net extends nn.Module {
          features = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU());
          fc1 = new nn.Linear(4, 3);
          rnn = new nn.LSTM(3, 2);
          forward(x: Tensor): Tensor {
            return x;
          }
        }
        const sd = new Net().state_dict();
        assert.deepEqual(Object.keys(sd), c.keys);
        assert.deepEqual(Object.values(sd).map((t) => t.shape), c.shapes);
        assert.deepEqual(new Net().named_parameters().map(([n]) => n), c.named_parameters);
        break;
      }
      default:
        assert.fail(`unknown case kind ${c.kind}`);
    }
  });
}
