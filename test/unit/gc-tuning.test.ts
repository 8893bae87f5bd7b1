// The wasm backend's garbage-collection tuning (engine/kernels/gc-tuning.ts): V8's flag that counts external memory in
// the heap's global limit is turned on only where V8 has it; elsewhere nothing happens, not even an error line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { accountExternalMemoryInGlobalLimit, hasExternalMemoryFlag } from '../../engine/kernels/gc-tuning';

test('the flag is known from V8 13.6 on (Node 24), not in 13.5, 12.4 (Node 22) or 11.3 (Node 20)', () => {
  assert.deepEqual(
    ['11.3.244.8-node.38', '12.4.254.21-node.57', '13.5.212.10', '13.6.233.17-node.53', '13.8.258.19-electron.0', '14.0.1'].map(hasExternalMemoryFlag),
    [false, false, false, true, true, true],
  );
});

test('where V8 lacks the flag, turning it on does nothing and prints nothing', () => {
  assert.equal(accountExternalMemoryInGlobalLimit('12.4.254.21-node.57'), false);
  // In a child, so that stderr can be read: V8 prints "unrecognized flag" for a flag it does not know.
  const script = `require(${JSON.stringify(path.resolve(__dirname, '../../engine/kernels/gc-tuning.ts'))}).accountExternalMemoryInGlobalLimit('11.3.244.8')`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});

test('where V8 has it, it is turned on once (the running V8 decides)', { skip: !hasExternalMemoryFlag(process.versions.v8) }, () => {
  assert.equal(accountExternalMemoryInGlobalLimit(), true);
  assert.equal(accountExternalMemoryInGlobalLimit(), true);
});
