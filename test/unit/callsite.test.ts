// Stack frames with spaces and parentheses in folder and file names (Windows and macOS home folders often have
// them) must still give the user's file:line: the call-site capture behind every layer's source location, error
// location and decoration reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFrame, userFrame } from '../../engine/nn/callsite';

test('parseFrame reads every V8 frame form, with spaces and parentheses in the path', () => {
  const cases: [string, { file: string; line: number; column: number; fn: string }][] = [
    ['    at Net.forward (/home/jane/models/xor.ts:12:7)', { file: '/home/jane/models/xor.ts', line: 12, column: 7, fn: 'Net.forward' }],
    ['    at Object.<anonymous> (/home/jane/sp ace/xor.ts:3:15)', { file: '/home/jane/sp ace/xor.ts', line: 3, column: 15, fn: 'Object.<anonymous>' }],
    ['    at new Model (/Users/Jane Doe/My Models (old)/my model.ts:8:1)', { file: '/Users/Jane Doe/My Models (old)/my model.ts', line: 8, column: 1, fn: 'new Model' }],
    ['    at /home/jane/sp ace/my file.ts:4:2', { file: '/home/jane/sp ace/my file.ts', line: 4, column: 2, fn: '<anonymous>' }],
    ['    at async run (C:\\Users\\Jane Doe\\xor.ts:5:9)', { file: 'C:\\Users\\Jane Doe\\xor.ts', line: 5, column: 9, fn: 'run' }],
    ['    at Net.fwd [as forward] (file:///home/jane/sp%20ace/xor.ts:6:3)', { file: '/home/jane/sp ace/xor.ts', line: 6, column: 3, fn: 'Net.fwd [as forward]' }],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseFrame(line), want, line);
  for (const line of ['    at Array.map (<anonymous>)', '    at new Promise (<anonymous>)', 'Error: boom', '    at eval (eval at <anonymous> (/a/b.ts:1:2), <anonymous>:1:1)']) {
    assert.equal(parseFrame(line), undefined, line);
  }
});

test('userFrame finds a real call in a file whose folder and name hold spaces and parentheses', () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'gradlens callsite ')), 'My Models (old)');
  mkdirSync(dir);
  const file = path.join(dir, 'my model.cjs');
  writeFileSync(file, 'module.exports = function build() {\n  return new Error(\'here\').stack;\n};\n');
  const build = createRequire(pathToFileURL(file))(file) as () => string | undefined;
  const f = userFrame(build());
  assert.equal(f?.file, file);
  assert.equal(f?.line, 2);
});

test('userFrame skips node_modules and internals on Windows paths too', () => {
  const stack = [
    'Error: x',
    '    at lib (C:\\Users\\Jane Doe\\proj\\node_modules\\lib\\index.js:1:1)',
    '    at node:internal/modules/cjs/loader:1:1',
    '    at Object.<anonymous> (C:\\Users\\Jane Doe\\proj\\model.ts:9:4)',
  ].join('\n');
  assert.deepEqual(userFrame(stack), { file: 'C:\\Users\\Jane Doe\\proj\\model.ts', line: 9, column: 4, fn: 'Object.<anonymous>' });
});
