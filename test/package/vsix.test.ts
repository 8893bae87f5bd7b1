// One .vsix per VS Code target, each carrying an esbuild binary its users' machines can run (the engine child
// bundles the user's model with it at run time), the user-facing README and nothing of the repository's sources.
// Packs every target into a temporary folder first (npm run package:all does the same into out/vsix-all).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import TARGETS from '../../scripts/vsix-targets.json';
import { executableKind } from './executable';
import { readZip, type ZipEntry } from './zip';

const root = path.resolve(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const outDir = mkdtempSync(path.join(tmpdir(), 'gradlens-vsix-'));
const archives = new Map<string, ZipEntry[]>();

before(() => {
  const r = spawnSync(process.execPath, ['scripts/package-vsix.mjs', '--all', outDir], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `package:all failed:\n${r.stdout}\n${r.stderr}`);
  for (const target of Object.keys(TARGETS)) {
    archives.set(target, readZip(path.join(outDir, `gradlens-${target}-${version}.vsix`)));
  }
});

test('package:all writes one .vsix per target and nothing else', () => {
  const expected = Object.keys(TARGETS).map((t) => `gradlens-${t}-${version}.vsix`).sort();
  assert.deepEqual(readdirSync(outDir).sort(), expected);
  for (const t of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']) assert.ok(t in TARGETS, t);
});

for (const [target, spec] of Object.entries(TARGETS)) {
  describe(target, () => {
    const entry = (name: string) => {
      const found = archives.get(target)!.find((e) => e.name === name);
      assert.ok(found, `${target}: the archive has no ${name}`);
      return found;
    };

    test(`carries esbuild's ${spec.format} ${spec.arch} binary`, () => {
      const binary = entry(`extension/dist/node_modules/${spec.esbuild}/${spec.binary}`);
      assert.deepEqual(executableKind(binary.read()), { format: spec.format, arch: spec.arch });
      if (spec.format !== 'pe') assert.ok(binary.mode & 0o100, `${target}: esbuild must stay executable (mode ${binary.mode.toString(8)})`);
      entry('extension/dist/node_modules/esbuild/lib/main.js');
      const others = archives.get(target)!.filter((e) => /\/node_modules\/@esbuild\/[^/]+\/package\.json$/.test(e.name));
      assert.deepEqual(others.map((e) => e.name), [`extension/dist/node_modules/${spec.esbuild}/package.json`]);
    });

    test('declares its target platform', () => {
      const manifest = entry('extension.vsixmanifest').read().toString('utf8');
      assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
    });

    test("has the users' README with its screenshot, and no sources", () => {
      // vsce writes the README as readme.md; VS Code finds it in any case.
      const readme = entry('extension/readme.md').read().toString('utf8');
      assert.match(readme, /## Debug a model/);
      assert.doesNotMatch(readme, /npm (ci|test)/, 'the developers\' commands are not for users');
      for (const [, image] of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) entry(`extension/${image}`);
      const names = archives.get(target)!.map((e) => e.name);
      const sources = names.filter((n) => /\.ts$/.test(n) && !n.endsWith('.d.ts'));
      assert.deepEqual(sources, []);
      assert.ok(!names.some((n) => n.startsWith('extension/examples/') || n.startsWith('extension/test/')));
      entry('extension/dist/extension.js');
      entry('extension/dist/engine-child.js');
      // The PyTorch runner beside the bridge that starts it (python/ next to dist/engine-python.js).
      entry('extension/dist/engine-python.js');
      entry('extension/python/gradlens/run.py');
      assert.ok(!names.some((n) => n.includes('__pycache__')), 'no compiled Python');
      entry('extension/dist/types/index.d.ts');
      // The TypeScript server plugin, where VS Code looks for it: the extension's own node_modules.
      const plugin = JSON.parse(entry('extension/node_modules/gradlens-tsserver-plugin/package.json').read().toString('utf8')) as { main: string };
      entry(`extension/node_modules/gradlens-tsserver-plugin/${plugin.main}`);
      assert.deepEqual(names.filter((n) => n.startsWith('extension/node_modules/')).sort(), [
        'extension/node_modules/gradlens-tsserver-plugin/index.js',
        'extension/node_modules/gradlens-tsserver-plugin/package.json',
      ]);
    });
  });
}
