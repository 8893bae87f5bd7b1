import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE_MALLOC_ENV, engineEnv, engineFlags } from '../../host/launch';

test('the engine child gets relaxed SIMD on Node 20/21 only (later Node versions have it by default)', () => {
  assert.deepEqual(engineFlags('20.20.2', 8), ['--experimental-wasm-relaxed-simd']);
  assert.deepEqual(engineFlags('21.7.0', 8), ['--experimental-wasm-relaxed-simd']);
  assert.deepEqual(engineFlags('22.1.0', 8), []);
  assert.deepEqual(engineFlags('24.21.0', 8), []);
});

test('when its compute threads fill every core the engine child collects garbage on the thread that needs it', () => {
  assert.deepEqual(engineFlags('24.21.0', 2), ['--single-threaded-gc']);
  assert.deepEqual(engineFlags('24.21.0', 1), ['--single-threaded-gc']);
  assert.deepEqual(engineFlags('20.20.2', 2), ['--experimental-wasm-relaxed-simd', '--single-threaded-gc']);
  assert.deepEqual(engineFlags('24.21.0', 3), []);
  assert.deepEqual(engineFlags('24.21.0', 2, 1), [], 'one compute thread leaves a core to the background collector');
});

test('the bench launches Gradlens with the same flags as the engine child', async () => {
  const { ENGINE_FLAGS, engineFlagsFor } = await import('../../bench/engine-flags.mjs');
  assert.deepEqual(ENGINE_FLAGS, engineFlags());
  for (const threads of [1, 2]) assert.deepEqual(engineFlagsFor(threads), engineFlags(undefined, undefined, threads));
});

test('the engine child gets the malloc settings unless the user set their own, and the bench gives its peers the same', async () => {
  assert.equal(engineEnv({ PATH: '/bin' }).MALLOC_MMAP_THRESHOLD_, String(32 << 20));
  assert.equal(engineEnv({ PATH: '/bin' }).PATH, '/bin');
  assert.equal(engineEnv({ MALLOC_TRIM_THRESHOLD_: '0' }).MALLOC_TRIM_THRESHOLD_, '0');
  const { MALLOC_ENV } = await import('../../bench/engine-flags.mjs');
  assert.deepEqual(MALLOC_ENV, ENGINE_MALLOC_ENV);
});
