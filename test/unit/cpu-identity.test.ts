// The CPU's identity for the bench's header and the calibration cache: a VM's bare model name ("AMD EPYC") named a
// Zen 3 and a Zen 5 with AVX-512 alike, so the family, model and widest vector extension come from /proc/cpuinfo.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuIdentity } from '../../engine/kernels/cpu-identity';
import { calibrationKey } from '../../engine/kernels/calibrate';

const cpuinfo = (family: number, model: number, flags: string): string =>
  [
    'processor\t: 0', 'vendor_id\t: AuthenticAMD', `cpu family\t: ${family}`, `model\t\t: ${model}`, 'model name\t: AMD EPYC',
    `flags\t\t: fpu sse sse2 ${flags}`, '', 'processor\t: 1', 'cpu family\t: 99', 'model name\t: other', '',
  ].join('\n');

test('two CPUs behind one model name are told apart by family, model and vector width', () => {
  const zen3 = cpuIdentity(cpuinfo(25, 1, 'sse4_2 avx avx2 fma'), 'AMD EPYC');
  const zen5 = cpuIdentity(cpuinfo(26, 2, 'sse4_2 avx avx2 fma avx512f avx512bw'), 'AMD EPYC');
  assert.equal(zen3, 'AMD EPYC (family 25, model 1, AVX2)');
  assert.equal(zen5, 'AMD EPYC (family 26, model 2, AVX-512)');
});

test('without x86 fields (another architecture, no /proc) the model name stands alone', () => {
  assert.equal(cpuIdentity('processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n', 'Neoverse-N1'), 'Neoverse-N1');
  assert.equal(cpuIdentity(null, 'Apple M2'), 'Apple M2');
});

test('the calibration cache key carries this machine\'s identity', () => {
  assert.ok(calibrationKey(['cpu', 'wasm']).includes(`|${cpuIdentity()}|`), calibrationKey(['cpu', 'wasm']));
});
