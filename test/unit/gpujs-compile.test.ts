// gpu.js kernels are cached by name: two sources of the same length that begin alike (the old cache key was the
// length and characters 13-60 of the source) compile to two kernels, and two different sources cannot share a name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelCache, gpuKernel } from '../../engine/backends/gpujs/compile';
import { loadGpujs } from '../../engine/backends/gpujs/modes';

test('kernels whose sources begin alike are compiled and run apart', async () => {
  const mod = await loadGpujs();
  const gpu = new mod.GPU({ mode: 'cpu' });
  const plus = gpuKernel('test.plusOne', 'function (a) { const v = a[this.thread.x]; const w = v * 2.0; return w + 1.0; }');
  const minus = gpuKernel('test.minusOne', 'function (a) { const v = a[this.thread.x]; const w = v * 2.0; return w - 1.0; }');
  assert.equal(plus.src.length, minus.src.length);
  assert.equal(plus.src.slice(13, 60), minus.src.slice(13, 60));
  const cache = new KernelCache(gpu, 'cpu');
  const x = Float32Array.from([1, 2, 3]);
  assert.deepEqual([...cache.call(plus, 3, {}, x)], [3, 5, 7]);
  assert.deepEqual([...cache.call(minus, 3, {}, x)], [1, 3, 5]);
  gpu.destroy();
});

test('a second, different source under a kernel name is refused; the same one again is the same kernel', () => {
  const src = 'function (a) { return a[this.thread.x]; }';
  gpuKernel('test.copy', src);
  assert.doesNotThrow(() => gpuKernel('test.copy', src));
  assert.throws(() => gpuKernel('test.copy', 'function (a) { return 0.0; }'), /two gpu.js kernel sources are named 'test.copy'/);
});
