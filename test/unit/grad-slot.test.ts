// Parameters' gradient slots: on the wasm backend a weight gradient's GEMM writes straight into a resident buffer
// that the optimizer then updates from in place. Reusing that buffer step after step must never be observable:
// gradients a user has read keep their values, shared weights still sum their contributions, and the numbers match
// the plain path.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { forceBackend, registerBackend } from '../../engine/kernels/registry';
import { manual_seed, matmul, nn, optim, randn, tensor } from '../../engine/index';
import type { Parameter } from '../../engine/nn/parameter';
import type { Tensor } from '../../engine/tensor';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
  registerBackend(wasm);
  forceBackend('wasm');
});
after(async () => {
  forceBackend(undefined);
  await wasm.dispose();
});

const inHeap = (a: Float32Array): boolean => a.buffer instanceof SharedArrayBuffer;

function mlp(): { model: nn.Sequential; x: Tensor; y: Tensor } {
  manual_seed(11);
  return {
    model: new nn.Sequential(new nn.Linear(48, 32), new nn.ReLU(), new nn.Linear(32, 8)),
    x: randn([16, 48]),
    y: tensor(Array.from({ length: 16 }, (_, i) => i % 8)),
  };
}

function lossOf(model: nn.Sequential, x: Tensor, y: Tensor): Tensor {
  return new nn.CrossEntropyLoss()(model(x), y);
}

test('a weight gradient the engine alone has seen is written into the resident slot, and the update uses it in place', () => {
  const { model, x, y } = mlp();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const w = (model.at(0) as nn.Linear).weight as Parameter;
  const slots = new Set<number>();
  for (let s = 0; s < 3; s++) {
    opt.zero_grad();
    lossOf(model, x, y).backward();
    const g = w._grad as Tensor;
    assert.ok(inHeap(g.data), `step ${s}: the gradient lives in the heap`);
    slots.add(g.data.byteOffset);
    opt.step();
  }
  assert.equal(slots.size, 1, 'the same slot every step');
});

test('a gradient that user code has read keeps its values after zero_grad and the next backward', () => {
  const { model, x, y } = mlp();
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const w = (model.at(0) as nn.Linear).weight;
  opt.zero_grad();
  lossOf(model, x, y).backward();
  const held = w.grad as Tensor; // read through the public property: it may now be held anywhere
  const copy = Array.from(held.data);
  opt.step();
  for (let s = 0; s < 2; s++) {
    opt.zero_grad();
    lossOf(model, x, y).backward();
    opt.step();
  }
  assert.deepEqual(Array.from(held.data), copy, 'the held gradient did not change');
  assert.notEqual((w._grad as Tensor).data.byteOffset, held.data.byteOffset, 'later gradients live elsewhere');
});

test('slot and plain gradients give the same training as the CPU backend', () => {
  const run = (backend: 'cpu' | 'wasm'): number[][] => {
    forceBackend(backend);
    const { model, x, y } = mlp();
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    for (let s = 0; s < 4; s++) {
      opt.zero_grad();
      lossOf(model, x, y).backward();
      opt.step();
    }
    return [...model.parameters()].map((p) => Array.from(p.data));
  };
  const cpu = run('cpu');
  const fast = run('wasm');
  forceBackend('wasm');
  for (let i = 0; i < cpu.length; i++) {
    for (let j = 0; j < cpu[i].length; j++) assert.ok(Math.abs(cpu[i][j] - fast[i][j]) < 1e-5, `param ${i}[${j}]: ${cpu[i][j]} vs ${fast[i][j]}`);
  }
});

test('a weight used twice in one graph gets the sum of both contributions', () => {
  manual_seed(5);
  const w = new nn.Parameter(randn([48, 32]));
  const a = randn([32, 48]);
  const b = randn([32, 48]);
  const expected = (() => {
    forceBackend('cpu');
    const v = new nn.Parameter(w.data.slice(), w.shape);
    matmul(a, v).sum().add(matmul(b, v).square().sum()).backward();
    return Array.from((v._grad as Tensor).data);
  })();
  forceBackend('wasm');
  for (let s = 0; s < 2; s++) {
    w.grad = null;
    matmul(a, w).sum().add(matmul(b, w).square().sum()).backward();
    const got = (w._grad as Tensor).data;
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(got[i] - expected[i]) < 1e-4 * (1 + Math.abs(expected[i])), `step ${s} [${i}]`);
  }
});

test('without zero_grad a second backward adds into the slot, and zero_grad(false) zeroes it in place', () => {
  const { model, x, y } = mlp();
  const w = (model.at(2) as nn.Linear).weight as Parameter;
  lossOf(model, x, y).backward();
  const once = Array.from((w._grad as Tensor).data);
  lossOf(model, x, y).backward();
  const twice = (w._grad as Tensor).data;
  for (let i = 0; i < once.length; i++) assert.ok(Math.abs(twice[i] - 2 * once[i]) < 1e-5);
  const opt = new optim.SGD(model.parameters(), { lr: 0 });
  opt.zero_grad(false);
  assert.ok((w._grad as Tensor).data.every((v) => v === 0));
});
