// The wasm LstmSequence's fused forward reads each step's input projection from a step-sized block it fills, or in
// place when xp is a resident heap buffer; either way the results are the per-step kernels' bits, and the gates,
// copied out step by step, land at their step's rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import type { KernelMap } from '../../engine/kernels/kernel-map';
import { lstmSequenceOf } from '../../engine/kernels/lstm-sequence';
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
