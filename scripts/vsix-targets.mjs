// The platforms a .vsix is built for, and the esbuild binary each one carries. The engine child bundles the user's
// model with esbuild at run time, and esbuild's binary is native code: a .vsix holds the binary of one platform,
// so there is one .vsix per VS Code target. The expected executable format of each binary is written here too, so
// the packaging test can check that every archive carries code its users' machines can run.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * VS Code target -> the @esbuild package with its binary, where the binary sits inside it, and the binary's format
 * (vsix-targets.json, which the packaging test reads too). esbuild's Linux binaries are static Go executables, so
 * Alpine (musl) uses the same packages as glibc Linux.
 */
export const TARGETS = JSON.parse(readFileSync(new URL('./vsix-targets.json', import.meta.url), 'utf8'));

/** The VS Code target of the machine this runs on (what `npm run package` builds by default). */
export function hostTarget() {
  const target = `${process.platform === 'linux' && isMusl() ? 'alpine' : process.platform}-${process.arch === 'arm' ? 'armhf' : process.arch}`;
  if (!(target in TARGETS)) throw new Error(`package: no .vsix target for this machine (${target})`);
  return target;
}

function isMusl() {
  const report = process.report?.getReport();
  return Boolean(report && !report.header?.glibcVersionRuntime);
}

/**
 * The folder of the @esbuild package that `target` needs, at the version of the installed esbuild JS API. The
 * machine's own is in node_modules already; others are fetched from the npm registry with `npm pack` into
 * `cacheDir` (npm ci installs only the optional package of the machine it runs on), and every binary is checked
 * against the SHA-256 that esbuild's own package.json lists for it.
 */
export function esbuildPackageFor(target, { root, esbuildDir, cacheDir }) {
  const { esbuild: name, binary } = TARGETS[target];
  const esbuildPkg = JSON.parse(readFileSync(path.join(esbuildDir, 'package.json'), 'utf8'));
  const version = esbuildPkg.version;
  const expectedHash = esbuildPkg['esbuild.binaryHashes']?.[`${name}/${binary}`];
  if (!expectedHash) throw new Error(`package: esbuild ${version} lists no binary hash for ${name}/${binary}`);

  let dir = path.join(esbuildDir, '..', ...name.split('/'));
  if (!isVersion(dir, version)) {
    dir = path.join(cacheDir, `${name.replace('/', '+')}@${version}`, 'package');
    if (!isVersion(dir, version)) fetchPackage(`${name}@${version}`, path.dirname(dir), root);
  }
  const actual = createHash('sha256').update(readFileSync(path.join(dir, binary))).digest('hex');
  if (actual !== expectedHash) {
    throw new Error(`package: ${name}@${version}/${binary} has SHA-256 ${actual}, esbuild expects ${expectedHash}`);
  }
  return dir;
}

function isVersion(dir, version) {
  const file = path.join(dir, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).version === version;
}

function fetchPackage(spec, into, root) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = spawnSync(npm, ['pack', spec, '--pack-destination', into, '--silent'], { cwd: root, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`package: npm pack ${spec} failed:\n${packed.stderr}`);
  const tarball = readdirSync(into).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`package: npm pack ${spec} wrote no tarball`);
  const untar = spawnSync('tar', ['-xzf', tarball], { cwd: into, encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`package: could not unpack ${tarball}:\n${untar.stderr}`);
}
