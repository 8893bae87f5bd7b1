// New Model File asks for a name (issue 25 item 7: it wrote model.ts into the root without asking).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeModelFileName, modelFileNameProblem } from '../../extension/modelFileName';

test('the suggested name is the first free model.ts, model-2.ts, ...', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-name-'));
  assert.equal(path.basename(freeModelFileName(dir)), 'model.ts');
  writeFileSync(path.join(dir, 'model.ts'), '');
  assert.equal(path.basename(freeModelFileName(dir)), 'model-2.ts');
});

test('a typed name must be a .ts or .js file inside the workspace that does not exist yet', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-name-'));
  writeFileSync(path.join(dir, 'taken.ts'), '');
  assert.equal(modelFileNameProblem(dir, 'mlp.ts'), undefined);
  assert.equal(modelFileNameProblem(dir, 'models/cnn.js'), undefined);
  assert.match(modelFileNameProblem(dir, '  ') ?? '', /Give the file a name/);
  assert.match(modelFileNameProblem(dir, 'mlp.py') ?? '', /\.ts or \.js/);
  assert.match(modelFileNameProblem(dir, 'taken.ts') ?? '', /already exists/);
  assert.match(modelFileNameProblem(dir, '../outside.ts') ?? '', /inside the workspace/);
});
