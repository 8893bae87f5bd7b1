// The pass arena: while autograd runs a backward function, the wasm kernels write their results into one block of
// the heap that is reused by every backward pass. It must never be observable: training gives the same bits as
// without it, and whatever outlives a pass (a leaf's .grad, what a tensor hook keeps) keeps its values.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { PassArena } from '../../engine/backends/wasm/pass-arena';
import { makeOp } from '../../engine/autograd';
import { forceBackend, registerBackend } from '../../engine/kernels/registry';
import { manual_seed, matmul, nn, optim, randn, tensor } from '../../engine/index';
import type { Tensor } from '../../engine/tensor';

let wasm: WasmBackend;
let arena: PassArena;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
  registerBackend(wasm);
  forceBackend('wasm');
  arena = wasm.passArena as PassArena;
});
afterEach(() => {
  arena.limit = 512 << 20;
});
after(async () => {
  forceBackend(undefined);
  await wasm.dispose();
});

class Recurrent extends nn.Module {
  lstm = new nn.LSTM(12, 16, { batch_first: true });
  head = new nn.Linear(16, 5);
  forward(x: Tensor): Tensor {
    const [out] = this.lstm(x);
    return this.head(out.narrow(1, out.shape[1] - 1, 1).squeeze(1));
  }
}

/** A model of each kind the bench trains, with its batch. */
const models: Record<string, () => { model: nn.Module<[Tensor], Tensor>; x: Tensor; y: Tensor }> = {
  mlp: () => ({ model: new nn.Sequential(new nn.Linear(64, 48), new nn.ReLU(), new nn.Linear(48, 5)), x: randn([32, 64]), y: labels(32) }),
  cnn: () => ({
    model: new nn.Sequential(new nn.Conv2d(2, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.Tanh(), new nn.Flatten(), new nn.Linear(16 * 7 * 7, 5)),
    x: randn([8, 2, 16, 16]),
    y: labels(8),
  }),
  lstm: () => ({ model: new Recurrent(), x: randn([16, 6, 12]), y: labels(16) }),
};

function labels(n: number): Tensor {
  return tensor(Array.from({ length: n }, (_, i) => (i * 3) % 5));
}

/** Every parameter's values after `steps` Adam steps from seed 5. */
function train(kind: string, steps: number): Float32Array[] {
  manual_seed(5);
  const { model, x, y } = models[kind]();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  for (let s = 0; s < steps; s++) {
    opt.zero_grad();
    new nn.CrossEntropyLoss()(model(x), y).backward();
    opt.step();
  }
  return model.parameters().map((p) => p.data.slice());
}

for (const kind of Object.keys(models)) {
  test(`${kind}: training gives the same bits with the pass arena as without it`, () => {
    arena.limit = 0;
    const plain = train(kind, 4);
    assert.equal(arena.capacity, 0, 'the arena is off');
    arena.limit = 512 << 20;
    const withArena = train(kind, 4);
    assert.ok(arena.capacity > 0, 'the backward passes used the arena');
    assert.equal(withArena.length, plain.length);
    withArena.forEach((p, i) => assert.deepEqual(p, plain[i], `parameter ${i}`));
  });
}

test('the arena is sized by the first pass and then reused: later passes take no more memory', () => {
  manual_seed(1);
  const { model, x, y } = models.cnn();
  const step = (): void => {
    model.zero_grad();
    new nn.CrossEntropyLoss()(model(x), y).backward();
  };
  step();
  step();
  const capacity = arena.capacity;
  const resident = wasm.heapBytes();
  for (let s = 0; s < 5; s++) step();
  assert.ok(capacity > 0);
  assert.equal(arena.capacity, capacity);
  assert.equal(wasm.heapBytes(), resident);
});

test('a gradient a tensor hook keeps, and a plain leaf .grad, keep their values after later passes reuse the arena', () => {
  manual_seed(2);
  const w = randn([40, 24]).requires_grad_();
  const x = randn([32, 40]).requires_grad_();
  let kept: Float32Array | null = null;
  let copyAtHook: Float32Array | null = null;
  const run = (hook: boolean): void => {
    const h = matmul(x, w);
    if (hook) {
      h.register_hook((g) => {
        kept = g;
        copyAtHook = g.slice();
      });
    }
    matmul(h.relu(), randn([24, 16])).sum().backward();
  };
  run(true);
  run(true);
  const xGrad = (x.grad as Tensor).data;
  const xGradThen = xGrad.slice();
  const keptNow = kept as unknown as Float32Array;
  const copy = copyAtHook as unknown as Float32Array;
  x.grad = null;
  w.grad = null;
  for (let s = 0; s < 3; s++) run(false);
  assert.ok(!arena.owns(keptNow), 'the hook was given a copy');
  assert.deepEqual(keptNow, copy, 'the kept gradient did not change');
  assert.ok(!arena.owns(xGrad));
  assert.deepEqual(xGrad, xGradThen, 'the leaf gradient did not change');
});

test('a backward pass run inside a hook of another leaves the outer pass intact', () => {
  const outer = (nested: boolean): Float32Array => {
    manual_seed(3);
    const a = randn([24, 32]).requires_grad_();
    const b = randn([32, 16]);
    const h = matmul(a, b);
    if (nested) {
      h.register_hook(() => {
        const c = randn([16, 20]).requires_grad_();
        matmul(randn([24, 16]), c).relu().sum().backward();
      });
    }
    matmul(h.tanh(), randn([16, 8])).sum().backward();
    return (a.grad as Tensor).data.slice();
  };
  assert.deepEqual(outer(true), outer(false));
});

test('after a backward function throws, kernels outside backward return ordinary arrays again', () => {
  manual_seed(4);
  const a = randn([32, 32]).requires_grad_();
  const h = matmul(a, randn([32, 32]));
  // The failing op runs after the matmul's backward has already put its result in the arena.
  const failing = makeOp('fails', [h], h.data.slice(), h.shape, () => {
    throw new Error('backward failed');
  });
  assert.throws(() => matmul(failing, randn([32, 32])).sum().backward(), /backward failed/);
  const out = matmul(randn([32, 32]), randn([32, 32]));
  assert.ok(!(out.data.buffer instanceof SharedArrayBuffer), 'a forward result is not a heap view');
});

test('a heap that cannot grow for the arena leaves the pass to ordinary arrays, and asks for less next time', () => {
  let tries = 0;
  const full = {
    allocBlock: (): number => {
      tries++;
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    },
    freeBlock: (): void => {},
    addressOf: (): number => -1,
  };
  const a = new PassArena(full as unknown as ConstructorParameters<typeof PassArena>[0]);
  a.beginPass();
  const was = a.openFor();
  assert.equal(a.take(1 << 20), -1, 'nothing fits in an empty arena');
  a.close(was);
  a.endPass();
  a.beginPass();
  assert.equal(tries, 1);
  assert.equal(a.capacity, 0);
  assert.ok(a.limit < (1 << 22) * 1.25, `the limit came down to ${a.limit}`);
  a.endPass();
});
