// The wasm LSTM kernels scan their outputs for NaN/Inf while they are still in the heap and mark them finite
// (engine/finite.ts), so the autograd's JavaScript scan skips them. A mark on an array that holds a NaN would hide
// the first non-finite op from the user, so these check both sides: finite results are marked, and a NaN that
// reaches an output leaves that output unmarked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { knownFinite } from '../../engine/finite';
import type { KernelMap } from '../../engine/kernels/kernel-map';
import { randArray } from './kernels-reference';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
});
after(async () => {
  await wasm.dispose();
});

const at = { steps: 4, batch: 16, hidden: 32 };
const { steps: T, batch: B, hidden: H } = at;
const G = 4 * H;

/** A forward and a backward pass of the bench-like shape; `poison` may put a NaN into the forward's input. */
function run(poison: (xp: Float32Array, gOut: Float32Array) => void) {
  const k = wasm.kernels as Required<KernelMap>;
  const xp = randArray(T * B * G, 1, 4), w = randArray(G * H, 2, 0.5), bias = randArray(G, 3);
  const h0 = randArray(B * H, 4), c0 = randArray(B * H, 5), gOut = randArray((T + 1) * B * H, 6);
  poison(xp, gOut);
  const f = k.LstmSequence(xp, w, bias, h0, c0, at);
  const d = k.LstmSequenceGrad({ gOut, wHh: w, hs: f.hs, cs: f.cs, gates: f.gates }, { ...at, weightGrad: true, biasGrad: true });
  return { f, d };
}

test('wasm LstmSequenceGrad marks dGates, dh0 and dc0 finite when they are', () => {
  const { d } = run(() => undefined);
  assert.ok(knownFinite(d.dGates), 'dGates');
  assert.ok(knownFinite(d.dh0), 'dh0');
  assert.ok(knownFinite(d.dc0), 'dc0');
});

test('wasm LstmSequenceGrad leaves an output with a NaN unmarked', () => {
  // A NaN in the last step's output gradient reaches that step's gate gradients, and through them every earlier
  // step, dh0 and dc0.
  const { d } = run((_xp, gOut) => {
    gOut[(T - 1) * B * H + 7] = NaN;
  });
  assert.ok(d.dGates.some(Number.isNaN), 'the NaN reached dGates');
  assert.ok(!knownFinite(d.dGates), 'dGates');
  assert.ok(!knownFinite(d.dh0), 'dh0');
  assert.ok(!knownFinite(d.dc0), 'dc0');
});
