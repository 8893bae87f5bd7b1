// A PyTorch name Gradlens lacks is one clear TypeError naming it (torch.X, nn.X, F.X, optim.X, tensor.X(),
// model.X()), thrown from the user's line; a typo of a name Gradlens has names the nearest; what Gradlens has, and
// the lookups tools make on any object, are untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as gradlens from '../../engine/index';
import { torch, nn, F, optim, datasets, transforms } from '../../engine/index';
import { PYTORCH_METHODS, PYTORCH_NAMESPACES } from '../../engine/pytorch-names';
import { nearest } from '../../engine/missing-names';

type Loose = Record<string, (...args: unknown[]) => unknown>;
const loose = (o: object): Loose => o as Loose;

function throwsNamed(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => e instanceof TypeError && e.message === message, message);
}
const DOCS = '(see docs/porting-from-pytorch.md)';

test('a PyTorch name missing from a namespace: "<ns>.<name> is not in Gradlens yet", never "is not a function"', () => {
  throwsNamed(() => loose(torch).fft(torch.zeros(4)), `torch.fft is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(torch).cumsum(torch.zeros(4), 0), `torch.cumsum is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => new (loose(nn).Transformer as unknown as new () => unknown)(), `nn.Transformer is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(F).grid_sample(1, 2), `F.grid_sample is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(nn.functional).grid_sample(1, 2), `F.grid_sample is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => new (loose(optim).LBFGS as unknown as new (p: unknown) => unknown)([]), `optim.LBFGS is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(nn.init).orthogonal_(1), `nn.init.orthogonal_ is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(torch.cuda).synchronize(), `torch.cuda.synchronize is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => new (loose(datasets).CIFAR10 as unknown as new () => unknown)(), `datasets.CIFAR10 is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(transforms).RandomCrop(28), `transforms.RandomCrop is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(gradlens.torch).float64, `torch.float64 is not in Gradlens yet ${DOCS}`);
});

test('a PyTorch method missing from Tensor, Module or Optimizer: "<class>.<name>() is not in Gradlens yet"', () => {
  const x = torch.tensor([1, 2, 3]);
  throwsNamed(() => loose(x).cumsum(0), `Tensor.cumsum() is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(x).numpy(), `Tensor.numpy() is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(new nn.Parameter(x)).cumsum(0), `Tensor.cumsum() is not in Gradlens yet ${DOCS}`);
  const model = new nn.Linear(3, 2);
  throwsNamed(() => loose(model).half(), `nn.Module.half() is not in Gradlens yet ${DOCS}`);
  throwsNamed(() => loose(model).register_forward_hook(() => undefined), `nn.Module.register_forward_hook() is not in Gradlens yet ${DOCS}`);
  // What Gradlens has still works, on the base classes and on a user's subclass with its own method of that name.
  assert.deepEqual(x.split(1).length, 3);
  assert.equal(model.parameters().length, 2);
  class Half extends nn.Module {
    half(): string {
      return 'mine';
    }
    forward(t: gradlens.Tensor): gradlens.Tensor {
      return t;
    }
  }
  assert.equal(new Half().half(), 'mine');
  // Stubs are not enumerable and can be replaced: tensors print and spread as before.
  assert.ok(!Object.keys(x).includes('cumsum'));
  assert.doesNotThrow(() => inspect(x));
});

test('a typo of a name Gradlens has names the nearest; an unrelated lookup is undefined as in JavaScript', () => {
  throwsNamed(() => loose(torch).maxx(1), `torch.maxx is not a name PyTorch or Gradlens has; did you mean torch.max? ${DOCS}`);
  throwsNamed(() => new (loose(nn).Lenear as unknown as new () => unknown)(), `nn.Lenear is not a name PyTorch or Gradlens has; did you mean nn.Linear? ${DOCS}`);
  assert.equal(nearest('CrossEntropyLos', Object.keys(nn)), 'CrossEntropyLoss');
  // Tools look names up on any object to see what it is (inspect asks for `href`; promises for `then`).
  for (const probe of ['href', 'then', 'toJSON', '__esModule', 'default', 'constructor', 'zzzz_not_a_name']) {
    assert.doesNotThrow(() => loose(torch)[probe], probe);
  }
  assert.doesNotThrow(() => inspect(gradlens, { depth: 2 }));
  assert.doesNotThrow(() => JSON.stringify(torch.cuda));
  assert.equal('fft' in torch, false, "'in' answers without throwing");
  assert.equal(typeof torch.max, 'function');
});

test('every name a namespace has is reached directly; the lists cover the namespaces guarded', () => {
  for (const [ns, prefix] of [[torch, 'torch'], [nn, 'nn'], [F, 'F'], [optim, 'optim']] as const) {
    for (const name of Object.keys(ns)) assert.notEqual((ns as Record<string, unknown>)[name], undefined, `${prefix}.${name}`);
    assert.ok((PYTORCH_NAMESPACES[prefix] ?? []).length > 10, `PyTorch's ${prefix} names are listed`);
  }
  assert.ok(PYTORCH_METHODS.Tensor.includes('cumsum') && PYTORCH_METHODS.Module.includes('half'));
});

test('the error is thrown from the caller, so the engine can name the user line', () => {
  let stack = '';
  try {
    loose(torch).fft(1);
  } catch (e) {
    stack = (e as Error).stack ?? '';
  }
  assert.ok(stack.split('\n').some((l) => l.includes('missing-names.test.ts')), stack);
});
