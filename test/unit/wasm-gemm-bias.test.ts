// The GEMM's bias (a Linear layer's C = bias + A·B): added by the micro-kernel in the first K block instead of
// written into every row of C beforehand. It must give exactly the bits of seeding C and accumulating, on every path
// the driver takes: A read in place or packed, one K block or several, a partial last column tile, one thread or the
// two-thread column and row chunks, and k = 0.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WasmRuntime } from '../../engine/backends/wasm/runtime';
import { gemm, padCols, padRows, type Operand } from '../../engine/backends/wasm/gemm';

const runtimes: WasmRuntime[] = [];
before(async () => {
  runtimes.push(await WasmRuntime.create({ threads: 1 }), await WasmRuntime.create({ threads: 2 }));
});
after(async () => {
  for (const rt of runtimes) await rt.dispose();
});

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648 - 0.5;
  }
  return out;
}

/** C's m x n values (rows ldc apart) after `fill`, from fresh scratch holding A [m, k], B [k, n] and the bias. */
function product(rt: WasmRuntime, m: number, n: number, k: number, fill: (a: Operand, b: Operand, c: number, ldc: number, bias: number) => void): Float32Array {
  const heap = rt.heap;
  heap.reset();
  const a = heap.use(values(m * k, 1));
  const b = heap.use(values(k * n, 2));
  const bias = heap.use(values(n, 3), padCols(n));
  const ldc = padCols(n);
  const c = heap.alloc(padRows(rt, m) * ldc);
  heap.f32.fill(NaN, c >> 2, (c >> 2) + padRows(rt, m) * ldc);
  fill({ addr: a, s0: k, s1: 1 }, { addr: b, s0: n, s1: 1 }, c, ldc, bias);
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) out.set(heap.f32.subarray((c >> 2) + i * ldc, (c >> 2) + i * ldc + n), i * n);
  return out;
}

test('gemm: a bias gives the bits of seeding C with it and accumulating, on every path', () => {
  // [m, n, k]: A in place (n <= 64) or packed; one K block or several (KC = 256); partial column tiles; sizes that
  // split over two threads by columns (wide C) or by rows (narrow C); k = 0.
  const shapes: Array<[number, number, number]> = [
    [7, 10, 5], [64, 50, 300], [64, 256, 784], [100, 20, 600], [96, 130, 64], [1792, 512, 28], [5, 12, 0],
  ];
  for (const rt of runtimes) {
    for (const [m, n, k] of shapes) {
      const fused = product(rt, m, n, k, (a, b, c, ldc, bias) => gemm(rt, m, n, k, a, b, { addr: c, ldc, bias }));
      const seeded = product(rt, m, n, k, (a, b, c, ldc, bias) => {
        rt.call(rt.fn('repeatRow'), [bias, c, m, n * 4, ldc * 4]);
        gemm(rt, m, n, k, a, b, { addr: c, ldc, accumulate: true });
      });
      assert.ok(seeded.every((v) => Number.isFinite(v)), 'the reference is complete');
      assert.deepEqual(fused, seeded, `${rt.threads} thread(s), [${m}, ${k}] x [${k}, ${n}]`);
    }
  }
});

test('gemm: a bias with accumulate, or outside the heap, is refused', () => {
  const rt = runtimes[0];
  const op: Operand = { addr: rt.heap.alloc(16), s0: 4, s1: 1 };
  const c = rt.heap.alloc(64);
  assert.throws(() => gemm(rt, 4, 4, 4, op, op, { addr: c, ldc: 8, bias: op.addr, accumulate: true }), /bias/);
  assert.throws(() => gemm(rt, 4, 4, 4, op, op, { addr: c, ldc: 8, bias: 1 }), /bias/);
});
