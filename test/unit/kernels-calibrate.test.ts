// Calibration and initBackends: a choice for every kernel among registered backends, the JSON cache reused on
// the next start (and ignored for another key), the time budget honoured, and a forced backend bypassing it all.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { calibrate, calibrationKey, pickBackends } from '../../engine/kernels/calibrate';
import { KERNEL_NAMES } from '../../engine/kernels/kernel-map';
import { initBackends } from '../../engine/kernels/register-backends';
import { backendFor, forceBackend, getBackend, KernelNotImplementedError, registerBackend, runKernel } from '../../engine/kernels/registry';
import type { WasmBackend } from '../../engine/backends/wasm';

const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-calib-'));
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await (getBackend('wasm') as WasmBackend | undefined)?.dispose();
});

test('initBackends(auto) registers wasm and chooses a registered backend for every kernel', async () => {
  const first = await initBackends({ backend: 'auto', cacheDir: dir });
  assert.ok(first.backends.includes('cpu') && first.backends.includes('wasm'), JSON.stringify(first.failed));
  const cal = first.calibration!;
  assert.equal(cal.fromCache, false);
  for (const k of KERNEL_NAMES) {
    assert.ok(first.backends.includes(first.kernels[k]), `${k} -> ${first.kernels[k]}`);
    assert.equal(backendFor(k), cal.choice[k]);
  }
});

test('a full calibration is cached and reused by the next start, then bypassed for another key', () => {
  const key = 'cache-test';
  const first = calibrate({ cacheDir: dir, budgetMs: 60_000, keyExtra: key });
  assert.equal(first.partial, false);
  assert.equal(first.fromCache, false);
  const file = JSON.parse(readFileSync(path.join(dir, 'kernel-calibration.json'), 'utf8')) as { entries: Record<string, unknown> };
  assert.ok(file.entries[first.key], 'cache entry written under the key');
  const second = calibrate({ cacheDir: dir, keyExtra: key });
  assert.equal(second.fromCache, true);
  assert.deepEqual(second.choice, first.choice);
  assert.equal(calibrate({ cacheDir: dir, budgetMs: 0, keyExtra: 'other' }).fromCache, false);
});

test('the cache key names Node, the CPU and the backend set', () => {
  const k = calibrationKey(['wasm', 'cpu']);
  assert.match(k, new RegExp(process.version.replace(/\./g, '\\.')));
  assert.equal(k, calibrationKey(['cpu', 'wasm']));
  assert.notEqual(k, calibrationKey(['cpu']));
});

test('a zero budget times nothing and falls back to the fixed prior (not cached)', () => {
  const r = calibrate({ cacheDir: dir, budgetMs: 0, keyExtra: 'budget-test' });
  assert.equal(r.partial, true);
  for (const k of KERNEL_NAMES) assert.equal(r.choice[k], 'wasm', k);
  const text = existsSync(path.join(dir, 'kernel-calibration.json')) ? readFileSync(path.join(dir, 'kernel-calibration.json'), 'utf8') : '{"entries":{}}';
  assert.equal((JSON.parse(text) as { entries: Record<string, unknown> }).entries[r.key], undefined);
});

test('a forced backend bypasses calibration; one lacking a kernel throws naming both', async () => {
  const r = await initBackends({ backend: 'cpu', cacheDir: dir });
  assert.equal(r.calibration, undefined);
  for (const k of KERNEL_NAMES) assert.equal(r.kernels[k], 'cpu');
  // A backend with no kernels at all stands in for one that lacks MatMul.
  registerBackend({ name: 'gpujs', kernels: {} });
  forceBackend('gpujs');
  assert.throws(
    () => runKernel('MatMul', new Float32Array(1), new Float32Array(1), { m: 1, k: 1, n: 1, transA: false, transB: false }),
    (e: unknown) => e instanceof KernelNotImplementedError && /MatMul/.test(e.message) && /gpujs/.test(e.message),
  );
  forceBackend(undefined);
});

test('another backend replaces the wasm kernel only on a clear win (noise at start-up must not be cached)', () => {
  assert.ok(getBackend('wasm'), 'the first test registered wasm');
  const backends: Array<'wasm' | 'cpu'> = ['wasm', 'cpu'];
  assert.equal(pickBackends({ AdamUpdate: { wasm: 1, cpu: 0.8 } }, backends).AdamUpdate, 'wasm', 'a 20% edge is noise');
  assert.equal(pickBackends({ AdamUpdate: { wasm: 1, cpu: 0.5 } }, backends).AdamUpdate, 'cpu', 'a 2x edge is real');
  assert.equal(pickBackends({ AdamUpdate: { cpu: 0.5 } }, backends).AdamUpdate, 'cpu', 'an untimed prior cannot win');
  assert.equal(pickBackends({}, backends).MatMul, 'wasm', 'an untimed kernel gets the prior');
  assert.equal(pickBackends({ MatMul: { cpu: 1 } }, ['cpu']).MatMul, 'cpu');
});
