// Packs the extension. `npm run package` builds the .vsix of this machine's platform; `npm run package:all` one
// .vsix per VS Code target (scripts/vsix-targets.mjs), each carrying the esbuild binary of its platform, which the
// engine child needs at run time to bundle the user's model file.
//
//   node scripts/package-vsix.mjs [--target T] [out.vsix]
//   node scripts/package-vsix.mjs --all [out-dir]          (writes gradlens-<target>-<version>.vsix files)
//
// Each target is staged in out/vsix/<target>/: the bundles, the type declarations, media, the manifest, the licence,
// the user-facing README (extension/README.md, not the developers' README at the root) and esbuild's JS API with the
// target's binary under dist/node_modules, and the TypeScript server plugin as the stage's only dependency. vsce
// packs the stage, so nothing else of the repository can slip into an archive.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { TARGETS, esbuildPackageFor, hostTarget } from './vsix-targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const all = args.includes('--all');
const targetFlag = args.indexOf('--target');
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--target')[0];

function run(cmd, cmdArgs, cwd = root) {
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${cmdArgs.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

run(process.execPath, ['scripts/build.mjs']);
run(process.execPath, ['scripts/build-types.mjs']);

const require = createRequire(path.join(root, 'package.json'));
const esbuildDir = path.dirname(require.resolve('esbuild/package.json'));
const cacheDir = path.join(root, 'out', 'esbuild-packages');
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const PLUGIN = pkg.contributes.typescriptServerPlugins[0].name;

/** Stages one target and packs it into `out`. */
function packageTarget(target, out) {
  const stage = path.join(root, 'out', 'vsix', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const item of ['dist', 'media', 'LICENSE', '.vscodeignore']) {
    cpSync(path.join(root, item), path.join(stage, item), { recursive: true });
  }
  cpSync(path.join(root, 'extension', 'README.md'), path.join(stage, 'README.md'));
  // The PyTorch runner (python/gradlens, issue 22): dist/engine-python.js runs it from <extension>/python.
  cpSync(path.join(root, 'python'), path.join(stage, 'python'), { recursive: true, filter: (src) => !src.includes('__pycache__') });

  // The TypeScript server plugin (extension/tsserver-plugin.ts) is loaded by package name from the extension's own
  // node_modules; it is the stage's one dependency, so vsce packs it (and nothing of the repository's node_modules).
  const plugin = path.join(stage, 'node_modules', PLUGIN);
  mkdirSync(plugin, { recursive: true });
  cpSync(path.join(root, 'dist', 'tsserver-plugin.js'), path.join(plugin, 'index.js'));
  writeFileSync(path.join(plugin, 'package.json'), JSON.stringify({ name: PLUGIN, version: pkg.version, main: 'index.js', license: pkg.license }, null, 2));
  const manifest = { ...pkg, dependencies: { [PLUGIN]: pkg.version } };
  delete manifest.devDependencies;
  delete manifest.allowScripts;
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

  // esbuild's JS API plus the target's binary (the JS API looks for @esbuild/<platform> next to itself).
  const modules = path.join(stage, 'dist', 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(path.join(modules, 'esbuild', 'lib'), { recursive: true });
  cpSync(path.join(esbuildDir, 'package.json'), path.join(modules, 'esbuild', 'package.json'));
  cpSync(path.join(esbuildDir, 'lib', 'main.js'), path.join(modules, 'esbuild', 'lib', 'main.js'));
  const { esbuild: binaryPkg } = TARGETS[target];
  cpSync(esbuildPackageFor(target, { root, esbuildDir, cacheDir }), path.join(modules, ...binaryPkg.split('/')), {
    recursive: true,
  });

  // Relative links in the README stay relative: VS Code shows an installed extension's README from its own folder,
  // where media/ is, and there is no public repository to rewrite them against.
  run(process.execPath, [
    vsce, 'package', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links',
    '--target', target, '-o', out,
  ], stage);
  console.log(`packaged ${path.relative(process.cwd(), out)} (${target})`);
}

if (all) {
  const dir = path.resolve(positional ?? path.join(root, 'out', 'vsix-all'));
  mkdirSync(dir, { recursive: true });
  for (const target of Object.keys(TARGETS)) packageTarget(target, path.join(dir, `${pkg.name}-${target}-${pkg.version}.vsix`));
} else {
  const target = targetFlag >= 0 ? args[targetFlag + 1] : hostTarget();
  if (!(target in TARGETS)) {
    console.error(`package: unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
  packageTarget(target, path.resolve(positional ?? path.join(root, `${pkg.name}-${pkg.version}.vsix`)));
}
