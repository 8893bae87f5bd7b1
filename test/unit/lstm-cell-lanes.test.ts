// The wasm LSTM cell loops take two vectors of a row per iteration, their activations interleaved as separate
// chains, and a row's odd vector alone. Each element must get the same bits wherever it falls: in the first or
// second vector of a pair, or in the single vector at a row's end. Checked by running H = 12 (one pair and one
// single vector per row) and each of its 4-column slices as its own H = 4 cell (single vectors only), on values
// that reach every branch of exp and tanh (both tanh ranges, exp's clamp, NaN, ±Inf, ±0).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import type { KernelMap } from '../../engine/kernels/kernel-map';
import { randArray } from './kernels-reference';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
});
after(async () => {
  await wasm.dispose();
});

const B = 64, H = 12, G = 4 * H, SLICE = 4;
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 0.625, -0.625, 0.6251, 100, -100, 44, -44];

function values(n: number, seed: number, scale: number): Float32Array {
  const a = randArray(n, seed, scale);
  SPECIALS.forEach((v, i) => (a[(i * 37 + seed) % n] = v));
  return a;
}

/** Columns [s*4, s*4+4) of every H-wide block of rows `width` wide (gate rows: 4 blocks; cell rows: 1). */
function slice(a: Float32Array, blocks: number, s: number): Float32Array {
  const out = new Float32Array(B * blocks * SLICE);
  for (let r = 0; r < B; r++) {
    for (let b = 0; b < blocks; b++) out.set(a.subarray(r * blocks * H + b * H + s * SLICE, r * blocks * H + b * H + (s + 1) * SLICE), (r * blocks + b) * SLICE);
  }
  return out;
}

const bits = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

test('wasm LstmCell and LstmCellGrad: paired and single vectors give each element the same bits', () => {
  const k = wasm.kernels as Required<KernelMap>;
  const xp = values(B * G, 1, 8), hp = values(B * G, 2, 8), cPrev = values(B * H, 3, 4);
  const whole = k.LstmCell(xp, hp, cPrev, { batch: B, hidden: H });
  const gOut = values(B * H, 4, 2), dhRec = values(B * H, 5, 2), dcIn = values(B * H, 6, 2);
  const grads = k.LstmCellGrad({ gOut, dhRec, dcIn, gates: whole.gates, cPrev, c: whole.c }, { batch: B, hidden: H });
  for (let s = 0; s < H / SLICE; s++) {
    const part = k.LstmCell(slice(xp, 4, s), slice(hp, 4, s), slice(cPrev, 1, s), { batch: B, hidden: SLICE });
    assert.deepEqual(bits(part.gates), bits(slice(whole.gates, 4, s)), `gates, columns ${s * SLICE}..`);
    assert.deepEqual(bits(part.c), bits(slice(whole.c, 1, s)), `c, columns ${s * SLICE}..`);
    assert.deepEqual(bits(part.h), bits(slice(whole.h, 1, s)), `h, columns ${s * SLICE}..`);
    const inputs = { gOut: slice(gOut, 1, s), dhRec: slice(dhRec, 1, s), dcIn: slice(dcIn, 1, s), gates: part.gates, cPrev: slice(cPrev, 1, s), c: part.c };
    const partGrads = k.LstmCellGrad(inputs, { batch: B, hidden: SLICE });
    assert.deepEqual(bits(partGrads.dGates), bits(slice(grads.dGates, 4, s)), `dGates, columns ${s * SLICE}..`);
    assert.deepEqual(bits(partGrads.dcPrev), bits(slice(grads.dcPrev, 1, s)), `dcPrev, columns ${s * SLICE}..`);
  }
  // The values did reach both tanh ranges and NaN (else the test would not cover the branches it names).
  assert.ok(whole.gates.some(Number.isNaN) && whole.c.some((v) => Math.abs(v) > 0.625) && whole.c.some((v) => Math.abs(v) < 0.625));
});
