// A CommonJS model file (`module.exports = defineTraining(...)`, `require('gradlens')`) trains like an ES module
// one instead of being rejected as having no default export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { cli, FIXTURES, ofType } from './harness';

test('a CommonJS model file with module.exports = defineTraining(...) trains to completion', () => {
  const r = cli(['train', path.join(FIXTURES, 'commonjs-model.js'), '--json']);
  const messages = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EngineMessage);
  assert.deepEqual(ofType(messages, 'error').map((m) => m.error.message), []);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(ofType(messages, 'step').length, 4);
  assert.equal(ofType(messages, 'finished')[0]?.reason, 'completed');
});
