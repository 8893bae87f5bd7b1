// The PyTorch runner's own unit tests (test/python, unittest under Debian's /usr/bin/python3 with torch), run as
// part of the integration tests so that `npm test` runs them too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './harness';

test('python/gradlens unit tests pass (python -m unittest discover -s test/python)', () => {
  const r = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', path.join(ROOT, 'test', 'python')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python'), PYTHONDONTWRITEBYTECODE: '1' },
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /Ran \d+ tests/);
  assert.match(r.stderr, /\nOK/);
});
