// The gpu.js backend against the float64 reference (shared suite) in the synchronous mode it picks here;
// kernels it lacks are skipped by name. Also checks that the mode detection reports something usable.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createGpujsBackend, type GpujsBackend } from '../../engine/backends/gpujs';
import { KERNEL_NAMES } from '../../engine/kernels/kernel-map';
import { kernelSuite } from './kernels-suite';

let backend: GpujsBackend;
let jsMode: GpujsBackend;
before(async () => {
  backend = await createGpujsBackend();
  jsMode = await createGpujsBackend({ mode: 'cpu' });
});
after(async () => {
  await backend.dispose();
  await jsMode.dispose();
});

// gpu.js computes in float32 with its own summation order and Math.sqrt: slightly looser than wasm.
kernelSuite('gpujs', () => backend, { rtol: 5e-5, atol: 5e-5 });
// gpu.js's 'cpu' mode (the same kernel sources transpiled to JavaScript), the fallback when nothing else runs.
kernelSuite('gpujs cpu mode', () => jsMode, { rtol: 5e-5, atol: 5e-5 });

test('gpujs: implements every kernel', () => {
  for (const k of KERNEL_NAMES) assert.equal(typeof backend.kernels[k], 'function', k);
});

test('gpujs: reports the modes it detected and runs in a synchronous one', () => {
  const { mode, modes } = backend.info;
  assert.ok(modes.available.includes(mode));
  assert.notEqual(mode, 'webgpu');
  assert.ok(modes.available.includes('cpu'));
});
