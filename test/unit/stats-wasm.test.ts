// The telemetry's passes on the wasm backend: the same counts, min and max as the reference loops, and the same
// sums up to float64 rounding (they are added in another order), over the values statistics meet in training:
// ordinary activations, ReLU zeros (both signs), NaN and ±Inf, lengths that are not whole vectors, arrays that live
// in the heap. (This file never registers the fast passes, so tensor-stats's functions are the reference loops.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { accumulateGrad, momentsReference, normAndDiff, sumSquares, type Moments } from '../../engine/monitor/tensor-stats';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
});
after(async () => {
  await wasm.dispose();
});

/** A deterministic array: normal-ish values, some exact zeros (+0 and -0), and non-finite values where asked. */
function sample(n: number, seed: number, special: number[] = []): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const u = next();
    a[i] = u < 0.2 ? 0 : u < 0.25 ? -0 : (next() - 0.5) * 8 * u;
  }
  special.forEach((v, k) => (a[(k * 7919 + 13) % n] = v));
  return a;
}

function assertSame(fast: Moments, ref: Moments, what: string): void {
  for (const k of ['finite', 'zeros', 'nan', 'inf'] as const) assert.equal(fast[k], ref[k], `${what}: ${k}`);
  assert.ok(Object.is(fast.min, ref.min) || (fast.min === 0 && ref.min === 0), `${what}: min ${fast.min} vs ${ref.min}`);
  assert.ok(Object.is(fast.max, ref.max) || (fast.max === 0 && ref.max === 0), `${what}: max ${fast.max} vs ${ref.max}`);
  for (const k of ['sum', 'sumSq'] as const) {
    const tol = 1e-12 * Math.max(1, Math.abs(ref.sumSq));
    assert.ok(Math.abs(fast[k] - ref[k]) <= tol, `${what}: ${k} ${fast[k]} vs ${ref[k]}`);
  }
}

test('moments on wasm match the reference loop on ordinary, zero and non-finite values, whole vectors or not', () => {
  for (const n of [1, 3, 4, 5, 1023, 1024, 4099, 100_000]) {
    for (const special of [[], [NaN], [Infinity, -Infinity, NaN, NaN]]) {
      if (special.length > n) continue;
      const a = sample(n, n + special.length, special);
      assertSame(wasm.stats.moments(a), momentsReference(a), `n=${n} special=${special.length}`);
    }
  }
});

test('moments on wasm: an array of only non-finite values has no min or max, and an empty one counts nothing', () => {
  const bad = new Float32Array(1030).fill(NaN);
  bad[3] = Infinity;
  bad[1029] = -Infinity;
  const m = wasm.stats.moments(bad);
  assert.deepEqual([m.finite, m.nan, m.inf, m.sum, m.min, m.max], [0, 1028, 2, 0, Infinity, -Infinity]);
  assertSame(m, momentsReference(bad), 'all non-finite');
  assertSame(wasm.stats.moments(new Float32Array(0)), momentsReference(new Float32Array(0)), 'empty');
});

test('moments on wasm read an array that lives in the heap in place, and leave it unchanged', () => {
  const resident = wasm.resident?.(5000) as Float32Array;
  resident.set(sample(5000, 9, [NaN, Infinity]));
  const before = resident.slice();
  assertSame(wasm.stats.moments(resident), momentsReference(resident), 'resident');
  assert.deepEqual(resident, before);
});

/** |a - b| within float64 rounding of sums of `scale`. */
const close = (a: number, b: number, scale: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, scale), `${what}: ${a} vs ${b}`);

test('gradient sums on wasm (norm, mean |g|, zeros) and the weight norm and update size match the reference loops', () => {
  for (const n of [1024, 1027, 50_000]) {
    for (const special of [[], [NaN, Infinity]]) {
      const g = sample(n, 7 * n, special);
      const ref = { sumSq: 0, sumAbs: 0, zeros: 0, count: 0 };
      accumulateGrad(ref, g);
      const got = wasm.stats.gradSums(g);
      const what = `n=${n} special=${special.length}`;
      assert.equal(got.zeros, ref.zeros, `${what}: zeros`);
      if (special.length) {
        assert.ok(Number.isNaN(got.sumSq) && Number.isNaN(ref.sumSq), `${what}: a NaN makes the norm NaN`);
        continue;
      }
      close(got.sumSq, ref.sumSq, ref.sumSq, `${what}: sumSq`);
      close(got.sumSq, sumSquares(g), ref.sumSq, `${what}: sumSquares`);
      close(got.sumAbs, ref.sumAbs, ref.sumAbs, `${what}: sumAbs`);
      const before = g.map((v, i) => v - (i % 5) * 1e-3);
      const want = normAndDiff(g, before);
      const diff = wasm.stats.normAndDiff(g, before);
      close(diff.sumSq, want.sumSq, want.sumSq, `${what}: weight norm`);
      close(diff.diffSq, want.diffSq, want.sumSq, `${what}: update`);
    }
  }
});
