// The wasm scan that tells autograd's NaN/Inf tracker a kernel output is finite, so it can skip its own pass: a
// "finite" that is wrong would hide a NaN from the user, so every position of the unrolled loop and its tails is tried.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WasmRuntime } from '../../engine/backends/wasm/runtime';

let rt: WasmRuntime;
before(async () => {
  rt = await WasmRuntime.create({ threads: 1 });
});
after(async () => {
  await rt.dispose();
});

/** A span of `values` in fresh scratch, followed by a NaN the scan must not read. */
function span(values: number[]): number {
  rt.heap.reset();
  const addr = rt.heap.alloc(values.length + 8);
  rt.heap.f32.set(values, addr >> 2);
  rt.heap.f32[(addr >> 2) + values.length] = NaN;
  return addr;
}

test('finiteSpan: a NaN or an infinity anywhere, in the four-vector steps, the single vectors or the scalar tail, is found', () => {
  for (const n of [1, 3, 4, 5, 15, 16, 17, 20, 31, 64, 67, 100]) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (let at = 0; at < n; at++) {
        const values = Array.from({ length: n }, (_, i) => (i % 3) - 1.5);
        values[at] = bad;
        assert.equal(rt.finiteSpan(span(values), n), false, `${bad} at ${at} of ${n}`);
      }
    }
  }
});

test('finiteSpan: finite extremes are finite, and nothing past the span is read', () => {
  const extremes = [3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45, -0, 0, 1.1754943508222875e-38, -1];
  for (const n of [1, 8, 16, 17, 40, 333]) {
    const values = Array.from({ length: n }, (_, i) => extremes[i % extremes.length]);
    assert.equal(rt.finiteSpan(span(values), n), true, `${n} finite values`);
  }
});

test('finiteRegion: scans whole vectors of each row, rows apart by the stride, and nothing beyond', () => {
  const rows = 5;
  const cols = 18; // 5 vectors a row: one four-vector step and one single vector
  const ld = 24;
  rt.heap.reset();
  const addr = rt.heap.alloc((rows + 1) * ld);
  const base = addr >> 2;
  rt.heap.f32.fill(1, base, base + rows * ld);
  for (let r = 0; r < rows; r++) rt.heap.f32.fill(NaN, base + r * ld + 20, base + (r + 1) * ld);
  rt.heap.f32.fill(Infinity, base + rows * ld, base + (rows + 1) * ld);
  assert.equal(rt.finiteRegion(addr, rows, cols, ld), true, 'the columns past the last whole vector and the next row are not read');
  for (const [r, c] of [[0, 0], [2, 7], [4, 15], [4, 17], [3, 19]]) {
    rt.heap.f32[base + r * ld + c] = -Infinity;
    assert.equal(rt.finiteRegion(addr, rows, cols, ld), false, `row ${r}, column ${c}`);
    rt.heap.f32[base + r * ld + c] = 1;
  }
});
