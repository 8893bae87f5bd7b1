// Resident storage: with the wasm backend up, parameters and optimizer state live in its heap (used in place by
// its kernels); training gives the same numbers as with ordinary arrays.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { forceBackend, registerBackend } from '../../engine/kernels/registry';
import { manual_seed, nn, optim, randn, tensor } from '../../engine/index';
import { residentFloat32 } from '../../engine/storage';
import type { Parameter } from '../../engine/nn/parameter';

let wasm: WasmBackend | undefined;
after(async () => {
  await wasm?.dispose();
});

/** Two Adam steps of a small MLP; returns the parameters and the optimizer. */
function train(): { params: Parameter[]; opt: optim.Adam } {
  manual_seed(3);
  const model = new nn.Sequential(new nn.Linear(40, 64), new nn.ReLU(), new nn.Linear(64, 5));
  const x = randn([32, 40]);
  const y = tensor(Array.from({ length: 32 }, (_, i) => i % 5));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  for (let s = 0; s < 2; s++) {
    opt.zero_grad();
    new nn.CrossEntropyLoss()(model(x), y).backward();
    opt.step();
  }
  return { params: [...model.parameters()], opt };
}

test('without a backend that has its own memory, resident buffers are ordinary arrays', () => {
  const a = residentFloat32(5);
  assert.ok(a.buffer instanceof ArrayBuffer);
  assert.deepEqual(Array.from(a), [0, 0, 0, 0, 0]);
});

test('with the wasm backend, parameters and Adam state are resident and training matches ordinary arrays', async () => {
  const plain = train();
  assert.ok(plain.params.every((p) => !(p.data.buffer instanceof SharedArrayBuffer)));

  wasm = await createWasmBackend({ threads: 1 });
  registerBackend(wasm);
  forceBackend('cpu'); // same kernels as the plain run: only the storage differs
  const resident = train();
  for (const p of resident.params) {
    assert.ok(p.data.buffer instanceof SharedArrayBuffer, 'parameter lives in the wasm heap');
    const st = resident.opt.state.get(p);
    assert.ok(st?.exp_avg.buffer instanceof SharedArrayBuffer && st.exp_avg_sq.buffer instanceof SharedArrayBuffer, 'Adam state too');
  }
  assert.deepEqual(resident.params.map((p) => Array.from(p.data)), plain.params.map((p) => Array.from(p.data)));

  // The wasm kernels update resident parameters in place: the same views change.
  forceBackend('wasm');
  const onWasm = train();
  const before = onWasm.params.map((p) => p.data);
  const views = onWasm.params.map((p) => Array.from(p.data));
  const opt = onWasm.opt;
  for (const p of onWasm.params) p.grad = null;
  onWasm.params[0].grad = tensor(Array.from({ length: onWasm.params[0].numel() }, () => 0.5)).reshape(...onWasm.params[0].shape);
  opt.step();
  assert.equal(onWasm.params[0].data, before[0], 'same array object');
  assert.notDeepEqual(Array.from(onWasm.params[0].data), views[0], 'values moved in place');
  assert.deepEqual(Array.from(onWasm.params[1].data), views[1], 'parameters without a grad are untouched');
  for (let i = 0; i < onWasm.params.length; i++) {
    const got = onWasm.params[i].data;
    for (const v of got) assert.ok(Number.isFinite(v));
  }
});
