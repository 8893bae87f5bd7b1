// Which export of a loaded model file is its training definition: ES default export or CommonJS module.exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportedDefinition } from '../../engine/definition';

const def = { model: () => 0, data: {}, loss: {}, optimizer: () => 0 };

test('the default export is the definition', () => {
  assert.equal(exportedDefinition({ default: def, other: 1 }), def);
});

test('a CommonJS module.exports = defineTraining(...) is the definition itself', () => {
  const exports = { ...def };
  assert.equal(exportedDefinition(exports), exports);
});

test('an ES module with only named exports has no definition (the "no default export" error names them)', () => {
  assert.equal(exportedDefinition({ __esModule: true, training: def }), undefined);
  assert.equal(exportedDefinition({ __esModule: true, model: 1, optimizer: 2 }), undefined);
  assert.equal(exportedDefinition({ helper: 1 }), undefined);
});
