// `npm ci` on a fresh machine must print no warning a newcomer would take for breakage: every dependency with an
// install script is approved or denied explicitly in package.json's allowScripts (npm 11 otherwise skips it and
// warns). A new dependency with an install script fails here until someone decides about it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

test('every dependency install script is reviewed in allowScripts', () => {
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /No packages with unreviewed install scripts/, `unreviewed install scripts:\n${r.stdout}`);
});
