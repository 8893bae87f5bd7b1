// `npm run package`: builds the bundles and the gradlens type declarations, puts esbuild (which the engine child
// needs at run time to bundle the user's model file) under dist/node_modules so the .vsix needs no npm install,
// and packs everything with vsce --no-dependencies. Usage: node scripts/package-vsix.mjs [out.vsix]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(process.argv[2] ?? path.join(root, `${pkg.name}-${pkg.version}.vsix`));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

run(process.execPath, ['scripts/build.mjs']);
run(process.execPath, ['scripts/build-types.mjs']);

// esbuild's JS API plus the binary of this platform (the JS API looks for @esbuild/<platform> next to itself).
const require = createRequire(path.join(root, 'package.json'));
const esbuildDir = path.dirname(require.resolve('esbuild/package.json'));
const platformPkg = `@esbuild/${process.platform}-${process.arch}`;
const binDir = path.dirname(require.resolve(`${platformPkg}/package.json`, { paths: [esbuildDir] }));
const target = path.join(root, 'dist', 'node_modules');
rmSync(target, { recursive: true, force: true });
mkdirSync(path.join(target, 'esbuild', 'lib'), { recursive: true });
cpSync(path.join(esbuildDir, 'package.json'), path.join(target, 'esbuild', 'package.json'));
cpSync(path.join(esbuildDir, 'lib', 'main.js'), path.join(target, 'esbuild', 'lib', 'main.js'));
cpSync(binDir, path.join(target, ...platformPkg.split('/')), { recursive: true });
if (!existsSync(path.join(target, ...platformPkg.split('/'), 'bin', 'esbuild'))) {
  console.error(`package: ${platformPkg} has no bin/esbuild`);
  process.exit(1);
}

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out]);
console.log(`packaged ${path.relative(process.cwd(), out)}`);
