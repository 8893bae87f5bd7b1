// The CPU reference backend against naive float64 loops; also checks registration and forced-backend errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuBackend } from '../../engine/backends/cpu';
import { KERNEL_NAMES } from '../../engine/kernels/kernel-map';
import { backendFor, registeredBackends, runKernel } from '../../engine/kernels/registry';
import { kernelSuite } from './kernels-suite';

kernelSuite('cpu', () => cpuBackend, { rtol: 1e-5, atol: 1e-5 });

test('cpu implements every kernel', () => {
  for (const k of KERNEL_NAMES) assert.equal(typeof cpuBackend.kernels[k], 'function', k);
});

test('the registry holds the cpu reference from the start, once, and routes to it', () => {
  assert.deepEqual(registeredBackends().filter((b) => b === 'cpu'), ['cpu']);
  assert.equal(backendFor('MatMul'), 'cpu');
  const c = runKernel('MatMul', new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), { m: 2, k: 2, n: 2, transA: false, transB: false });
  assert.deepEqual(Array.from(c), [19, 22, 43, 50]);
});

test('cpu kernels are deterministic run to run', () => {
  const at = { m: 33, k: 70, n: 21, transA: true, transB: false };
  const a = Float32Array.from({ length: 33 * 70 }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: 70 * 21 }, (_, i) => Math.cos(i));
  assert.deepEqual(cpuBackend.kernels.MatMul!(a, b, at), cpuBackend.kernels.MatMul!(a, b, at));
});
