// LstmSequence and LstmSequenceGrad: the whole LSTM recurrence in one kernel call each. On wasm the backward is
// fused (gate gradients, dh and dc stay in the heap across steps; dW_hh and db_hh from them); the results must be
// exactly the bits of the per-step kernels (MatMul, BiasGrad, LstmCellGrad) it replaces, on one and two threads,
// with W_hh resident (as a parameter is) or not, with and without b_hh, and for shapes it hands back to the
// per-step kernels. The forward and the cpu reference are the per-step loop.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { cpuBackend } from '../../engine/backends/cpu';
import type { KernelMap, LstmSequenceAttrs } from '../../engine/kernels/kernel-map';
import { lstmSequenceGradOf, lstmSequenceOf } from '../../engine/kernels/lstm-sequence';
import { randArray } from './kernels-reference';
import { batchParts } from '../../engine/backends/wasm/lstm-sequence-split';
import { rowCalls } from '../../engine/backends/wasm/gemm';
import { WasmRuntime } from '../../engine/backends/wasm/runtime';

let one: WasmBackend;
let two: WasmBackend;
before(async () => {
  one = await createWasmBackend({ threads: 1 });
  two = await createWasmBackend({ threads: 2 });
});
after(async () => {
  await one.dispose();
  await two.dispose();
});

/** Every result of a forward and a backward pass, in order. */
function runBoth(k: Pick<KernelMap, 'LstmSequence' | 'LstmSequenceGrad'>, at: LstmSequenceAttrs, wHh: Float32Array, withBias: boolean, seed: number): Float32Array[] {
  const { steps: T, batch: B, hidden: H } = at;
  const xp = randArray(T * B * 4 * H, seed, 4);
  const bias = withBias ? randArray(4 * H, seed + 1) : null;
  const h0 = randArray(B * H, seed + 2), c0 = randArray(B * H, seed + 3);
  const f = k.LstmSequence(xp, wHh, bias, h0, c0, at);
  const gOut = randArray((T + 1) * B * H, seed + 4);
  const d = k.LstmSequenceGrad({ gOut, wHh, hs: f.hs, cs: f.cs, gates: f.gates }, { ...at, weightGrad: true, biasGrad: withBias });
  assert.equal(d.dBhh === null, !withBias, 'db_hh only when asked for');
  return [f.hs, f.cs, f.gates, d.dGates, d.dh0, d.dc0, d.dWhh as Float32Array, ...(d.dBhh ? [d.dBhh] : [])];
}

function assertSameBits(got: Float32Array[], want: Float32Array[], what: string): void {
  assert.equal(got.length, want.length);
  got.forEach((a, i) => {
    assert.equal(a.length, want[i].length, `${what}: result ${i} length`);
    assert.deepEqual(new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(want[i].buffer, want[i].byteOffset, want[i].length), `${what}: result ${i}`);
  });
}

// The bench's LSTM(28, 128) at batch 64 (two threads split its batch into row ranges), a batch of 30 (ranges of
// 8, 8, 8 and 6 rows) and one of 5 over 20 steps (a last range of one row, inside a GEMM tile), a smaller fused
// shape, one step whose db_hh is small enough for BiasGrad's reference loop, and two the fused path hands back: a
// hidden size that is not a multiple of 8, and too few cells for the vector loop.
const cases: LstmSequenceAttrs[] = [
  { steps: 6, batch: 64, hidden: 128 },
  { steps: 4, batch: 30, hidden: 64 },
  { steps: 20, batch: 5, hidden: 64 },
  { steps: 3, batch: 5, hidden: 64 },
  { steps: 1, batch: 4, hidden: 64 },
  { steps: 4, batch: 8, hidden: 36 },
  { steps: 2, batch: 3, hidden: 8 },
];

for (const at of cases) {
  for (const [name, get] of [['1 thread', () => one], ['2 threads', () => two]] as const) {
    test(`wasm LstmSequence ${JSON.stringify(at)} on ${name}: the per-step kernels' bits, forward and backward`, () => {
      const b = get();
      const perStep = {
        LstmSequence: lstmSequenceOf(b.kernels as Required<typeof b.kernels>),
        LstmSequenceGrad: lstmSequenceGradOf(b.kernels as Required<typeof b.kernels>),
      };
      const k = b.kernels as Required<typeof b.kernels>;
      const w = randArray(4 * at.hidden * at.hidden, 9, 0.5);
      const resident = (b.resident as (n: number) => Float32Array)(w.length);
      resident.set(w);
      for (const withBias of [true, false]) {
        const want = runBoth(perStep, at, w, withBias, 11);
        assertSameBits(runBoth(k, at, w, withBias, 11), want, `bias ${withBias}, W_hh copied in`);
        assertSameBits(runBoth(k, at, resident, withBias, 11), want, `bias ${withBias}, W_hh resident`);
      }
    });
  }
}

test('wasm LstmSequence: 1 and 2 threads give the same bits, run after run', () => {
  const at = { steps: 5, batch: 64, hidden: 128 };
  const w = randArray(4 * 128 * 128, 3, 0.5);
  const first = runBoth(one.kernels as Required<typeof one.kernels>, at, w, true, 21);
  assertSameBits(runBoth(two.kernels as Required<typeof two.kernels>, at, w, true, 21), first, '2 threads');
  assertSameBits(runBoth(two.kernels as Required<typeof two.kernels>, at, w, true, 21), first, '2 threads again');
});

test('cpu LstmSequence: the states follow the cell equations step by step', () => {
  const at = { steps: 2, batch: 2, hidden: 3 };
  const k = cpuBackend.kernels as Required<typeof cpuBackend.kernels>;
  const w = randArray(12 * 3, 5);
  const xp = randArray(2 * 2 * 12, 6), h0 = randArray(6, 7), c0 = randArray(6, 8);
  const f = k.LstmSequence(xp, w, null, h0, c0, at);
  assert.deepEqual([...f.hs.subarray(0, 6)], [...h0]);
  // Step 0 by hand: the cell over xp_0 and h0·W_hhᵀ.
  const hp = k.MatMul(h0, w, { m: 2, k: 3, n: 12, transA: false, transB: true });
  const step = k.LstmCell(xp.subarray(0, 24), hp, c0, { batch: 2, hidden: 3 });
  assert.deepEqual([...f.hs.subarray(6, 12)], [...step.h]);
  assert.deepEqual([...f.cs.subarray(6, 12)], [...step.c]);
  assert.throws(() => k.LstmSequence(xp.subarray(0, 10), w, null, h0, c0, at), /LstmSequence: xp has 10 elements, expected 48/);
});

test('wasm LstmSequence on two threads: the batch is cut into whole-tile row ranges that cover it once', async () => {
  const rt = await WasmRuntime.create({ threads: 2 });
  const single = await WasmRuntime.create({ threads: 1 });
  try {
    const mr = rt.variant.mr;
    for (const batch of [2 * mr, 30, 64, 65, 200]) {
      const parts = batchParts(rt, batch);
      assert.ok(parts, `batch ${batch} is split`);
      assert.equal(parts[0][0], 0);
      assert.equal(parts[parts.length - 1][1], batch);
      parts.forEach(([r0, r1], i) => {
        assert.ok(r1 > r0, `range ${i} of batch ${batch} is not empty`);
        assert.equal(r0 % mr, 0, `range ${i} of batch ${batch} starts on a tile`);
        if (i > 0) assert.equal(r0, parts[i - 1][1], 'ranges are contiguous');
      });
    }
    // One tile's rows cannot be split; one thread never splits.
    assert.equal(batchParts(rt, mr), null);
    assert.equal(batchParts(single, 64), null);
    // A row range starting inside a tile would share that tile's padded rows with the range before it.
    assert.throws(() => rowCalls(rt, 8, 8, { addr: 0, s0: 8, s1: 1 }, { addr: 0, ldc: 8 }, 1, 4, [0], 0), /not a multiple of the tile height/);
  } finally {
    await rt.dispose();
    await single.dispose();
  }
});
