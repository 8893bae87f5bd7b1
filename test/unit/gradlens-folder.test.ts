import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { prepareGradlensFolder } from '../../engine/process/gradlens-folder';

test('the .gradlens folder gets a .gitignore that ignores everything in it', () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'gl-ws-'));
  const folder = prepareGradlensFolder(ws);
  assert.equal(folder, path.join(ws, '.gradlens'));
  const lines = readFileSync(path.join(folder, '.gitignore'), 'utf8').split('\n');
  assert.ok(lines.includes('*'), 'a bare * ignores the runs and the .gitignore itself');
});

test("a user's own .gradlens/.gitignore is left as it is", () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'gl-ws-'));
  mkdirSync(path.join(ws, '.gradlens'));
  writeFileSync(path.join(ws, '.gradlens', '.gitignore'), 'runs/\n');
  prepareGradlensFolder(ws);
  assert.equal(readFileSync(path.join(ws, '.gradlens', '.gitignore'), 'utf8'), 'runs/\n');
});
