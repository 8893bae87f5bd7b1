// The bench runs PyTorch on the fastest OpenBLAS core this CPU can run (bench/openblas-core.mjs): OpenBLAS 0.3.21
// took a family 6, model 207 Xeon for a Prescott, and PyTorch's matmul ran 9x slower than on its AVX-512 kernels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateCores, pickCore } from '../../bench/openblas-core.mjs';

test('the bench tries only the OpenBLAS cores whose instructions the CPU has', () => {
  const avx2 = new Set(['sse3', 'avx', 'avx2', 'fma']);
  assert.deepEqual(candidateCores(avx2), ['Zen', 'Haswell']);
  const avx512 = new Set([...avx2, 'avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl']);
  assert.deepEqual(candidateCores(avx512), ['SkylakeX', 'Zen', 'Haswell']);
  assert.deepEqual(candidateCores(new Set([...avx512, 'avx512_bf16']))[0], 'Cooperlake');
  assert.deepEqual(candidateCores(new Set(['sse3'])), []);
});

test("PyTorch's peers get a faster core than OpenBLAS detected, and only when it is clearly faster", () => {
  // Measured 2026-12-08 on the Xeon: Prescott 16.5, SkylakeX 144.8, Zen 74.2, Haswell 73.9 GFLOP/s.
  const measured = { Prescott: 16.5, SkylakeX: 144.8, Zen: 74.2, Haswell: 73.9 };
  assert.deepEqual(pickCore('Prescott', measured), { chosen: 'SkylakeX', env: { OPENBLAS_CORETYPE: 'SkylakeX' } });
  // Within timing noise of the detected core: OpenBLAS's own choice stands.
  assert.deepEqual(pickCore('Zen', { Zen: 100, SkylakeX: 110 }), { chosen: 'Zen', env: {} });
  assert.deepEqual(pickCore('Haswell', { Haswell: 80 }), { chosen: 'Haswell', env: {} });
  // The detected core's own probe failed: any core that ran is better than none.
  assert.deepEqual(pickCore('Prescott', { Haswell: 70 }), { chosen: 'Haswell', env: { OPENBLAS_CORETYPE: 'Haswell' } });
});
