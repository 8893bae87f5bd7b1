// The wasm LstmSequence's fused forward reads each step's input projection from a step-sized block it fills, or in
// place when xp is a resident heap buffer; either way the results are the per-step kernels' bits, and the gates,
// copied out step by step, land at their step's rows. LstmSequenceGrad reads the saved gates the same two ways.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import type { KernelMap } from '../../engine/kernels/kernel-map';
import { lstmSequenceGradOf, lstmSequenceOf } from '../../engine/kernels/lstm-sequence';
import { randArray } from './kernels-reference';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
});
after(async () => {
  await wasm.dispose();
});

const bits = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

test('wasm LstmSequence: xp copied in step by step or read in place (resident) gives the per-step kernels bits', () => {
  const k = wasm.kernels as Required<KernelMap>;
  const at = { steps: 5, batch: 24, hidden: 64 };
  const { steps: T, batch: B, hidden: H } = at;
  const G = 4 * H;
  const xp = randArray(T * B * G, 1, 4), w = randArray(G * H, 2, 0.5), bias = randArray(G, 3);
  const h0 = randArray(B * H, 4), c0 = randArray(B * H, 5);
  const want = lstmSequenceOf(k)(xp, w, bias, h0, c0, at);
  const resident = (wasm.resident as (n: number) => Float32Array)(xp.length);
  resident.set(xp);
  for (const [what, input] of [['copied', xp], ['resident', resident]] as const) {
    const got = k.LstmSequence(input, w, bias, h0, c0, at);
    assert.deepEqual(bits(got.hs), bits(want.hs), `${what}: hs`);
    assert.deepEqual(bits(got.cs), bits(want.cs), `${what}: cs`);
    assert.deepEqual(bits(got.gates), bits(want.gates), `${what}: gates`);
  }
  // The resident input is read, never written.
  assert.deepEqual(bits(resident), bits(xp));
});

test('wasm LstmSequenceGrad: the saved gates copied in step by step or read in place (resident) give the same bits', () => {
  const k = wasm.kernels as Required<KernelMap>;
  const at = { steps: 4, batch: 24, hidden: 64 };
  const { steps: T, batch: B, hidden: H } = at;
  const G = 4 * H;
  const w = randArray(G * H, 2, 0.5);
  const f = k.LstmSequence(randArray(T * B * G, 1, 4), w, randArray(G, 3), randArray(B * H, 4), randArray(B * H, 5), at);
  const gOut = randArray((T + 1) * B * H, 6);
  const grad = (gates: Float32Array) => k.LstmSequenceGrad({ gOut, wHh: w, hs: f.hs, cs: f.cs, gates }, { ...at, weightGrad: true, biasGrad: true });
  const want = lstmSequenceGradOf(k)({ gOut, wHh: w, hs: f.hs, cs: f.cs, gates: f.gates }, { ...at, weightGrad: true, biasGrad: true });
  const resident = (wasm.resident as (n: number) => Float32Array)(f.gates.length);
  resident.set(f.gates);
  for (const [what, gates] of [['copied', f.gates], ['resident', resident]] as const) {
    const got = grad(gates);
    assert.deepEqual(bits(got.dGates), bits(want.dGates), `${what}: dGates`);
    assert.deepEqual(bits(got.dh0), bits(want.dh0), `${what}: dh0`);
    assert.deepEqual(bits(got.dc0), bits(want.dc0), `${what}: dc0`);
    assert.deepEqual(bits(got.dWhh as Float32Array), bits(want.dWhh as Float32Array), `${what}: dW_hh`);
  }
});
