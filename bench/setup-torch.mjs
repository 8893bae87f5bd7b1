// Makes the PyTorch peer reproducible: python3-torch from Debian, with the OpenMP build of OpenBLAS selected as
// the system BLAS/LAPACK (Debian's torch links libblas.so.3, so the alternative decides which BLAS runs).
// Installs and selects what is missing (needs root and apt), and returns what is in effect for the report, with
// the environment the torch peers run in (`peerEnv`: the OpenBLAS core, see openblas-core.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chooseOpenblasCore } from './openblas-core.mjs';

const PY = '/usr/bin/python3';
const LIBDIR = '/usr/lib/x86_64-linux-gnu';
const ALTERNATIVES = [
  ['libblas.so.3-x86_64-linux-gnu', `${LIBDIR}/openblas-openmp/libblas.so.3`],
  ['liblapack.so.3-x86_64-linux-gnu', `${LIBDIR}/openblas-openmp/liblapack.so.3`],
];

const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

function torchImports() {
  return existsSync(PY) && run(PY, ['-c', 'import torch']).status === 0;
}

export function setupTorch(log = console.error) {
  const notes = [];
  const needBlas = ALTERNATIVES.some(([, path]) => !existsSync(path));
  if (!torchImports() || needBlas) {
    log('bench: installing python3-torch and libopenblas0-openmp with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-torch', 'libopenblas0-openmp'], { stdio: 'inherit', env });
    if (r.status !== 0) notes.push('apt-get install failed; torch peers may be missing');
  }
  const selected = {};
  for (const [name, path] of ALTERNATIVES) {
    let display = run('update-alternatives', ['--display', name]).stdout ?? '';
    if (existsSync(path) && !display.includes(`link currently points to ${path}`)) {
      const r = run('update-alternatives', ['--set', name, path]);
      if (r.status !== 0) notes.push(`could not select ${path} for ${name}: ${r.stderr.trim()}`);
      display = run('update-alternatives', ['--display', name]).stdout ?? '';
    }
    selected[name] = /link currently points to (\S+)/.exec(display)?.[1] ?? 'unknown';
  }
  let torch = null;
  let openblas = null;
  if (torchImports()) {
    torch = execFileSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
    openblas = chooseOpenblasCore(PY, log);
  }
  return { python: PY, torch, alternatives: selected, openblas, peerEnv: openblas?.env ?? {}, notes };
}
