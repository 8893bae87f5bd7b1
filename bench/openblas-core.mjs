// Which OpenBLAS kernels PyTorch's matmuls run on. OpenBLAS picks its kernels by CPUID when it loads, and a CPU newer
// than the OpenBLAS build gets a generic core: Debian 12's OpenBLAS 0.3.21 took a Xeon of family 6, model 207 (AVX-512)
// for a Prescott (SSE3), and PyTorch's one-thread 512x512 matmul ran at 16 GFLOP/s there against 132 with
// OPENBLAS_CORETYPE=SkylakeX (2026-12-08). The bench's goals are against PyTorch's best configuration, so it times
// PyTorch's matmul under the core OpenBLAS detects and under each core this CPU's flags can run, and gives the torch
// peers the fastest (OPENBLAS_CORETYPE in their environment) when it beats the detected one clearly.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** OpenBLAS core names (its OPENBLAS_CORETYPE values) with the CPU flags their kernels need. */
const CORES = [
  ['Cooperlake', ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512_bf16']],
  ['SkylakeX', ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl']],
  ['Zen', ['avx2', 'fma']],
  ['Haswell', ['avx2', 'fma']],
];

/** A core must beat the detected one by this much: two timings of one core differ by up to ~10% on this VM. */
const MARGIN = 1.25;

const PROBE = `
import time, torch
torch.set_num_threads(1)
a = torch.randn(512, 512); b = torch.randn(512, 512)
best = 0.0
for _ in range(3):
    t = time.perf_counter(); n = 0
    while time.perf_counter() - t < 0.25:
        a @ b; n += 1
    best = max(best, n * 2 * 512 ** 3 / (time.perf_counter() - t) / 1e9)
print(best)
`;

function cpuFlags() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

/**
 * The core OpenBLAS runs under `coretype` (undefined: its own detection; chooseOpenblasCore probes only when the
 * caller set no OPENBLAS_CORETYPE) and PyTorch's matmul speed there.
 */
function probe(python, coretype) {
  const env = { ...process.env, OPENBLAS_VERBOSE: '2', OMP_NUM_THREADS: '1', ...(coretype ? { OPENBLAS_CORETYPE: coretype } : {}) };
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', env, timeout: 60_000 });
  const core = /Core: (\S+)/.exec(r.stdout + r.stderr)?.[1] ?? null;
  const gflops = Number.parseFloat(r.stdout.trim().split('\n').pop() ?? '');
  // OpenBLAS falls back to its own detection for a name it does not know ("Core not found").
  const known = !coretype || !/Core not found/.test(r.stderr);
  return { core, gflops: r.status === 0 && known && Number.isFinite(gflops) ? gflops : null };
}

/** The cores of CORES whose kernels this CPU's flags (a Set of /proc/cpuinfo flag names) can run, fastest first. */
export function candidateCores(flags) {
  return CORES.filter(([, needs]) => needs.every((f) => flags.has(f))).map(([name]) => name);
}

/**
 * The core the torch peers run on, from PyTorch's matmul GFLOP/s under each core tried ({core: GFLOP/s}; the
 * detected core's entry may be missing when its probe failed): the fastest, where it beats the detected core by
 * MARGIN, else the detected core. `env` holds OPENBLAS_CORETYPE only when it overrides the detection.
 */
export function pickCore(detected, gflops) {
  const [best, bestGflops] = Object.entries(gflops).sort((x, y) => y[1] - x[1])[0] ?? [null, 0];
  const override = best !== null && best !== detected && bestGflops > (gflops[detected] ?? 0) * MARGIN;
  return { chosen: override ? best : detected, env: override ? { OPENBLAS_CORETYPE: best } : {} };
}

/**
 * The OpenBLAS core for the torch peers: { detected, chosen, gflops: {core: GFLOP/s}, env } (see pickCore). A
 * caller's own OPENBLAS_CORETYPE is kept as it is.
 */
export function chooseOpenblasCore(python, log = () => {}) {
  if (process.env.OPENBLAS_CORETYPE) {
    return { detected: null, chosen: process.env.OPENBLAS_CORETYPE, gflops: {}, env: {}, note: 'OPENBLAS_CORETYPE set by the caller' };
  }
  const base = probe(python);
  const gflops = {};
  if (base.core && base.gflops) gflops[base.core] = base.gflops;
  for (const name of candidateCores(cpuFlags())) {
    if (name === base.core) continue;
    const p = probe(python, name);
    if (p.gflops) gflops[name] = p.gflops;
  }
  const { chosen, env } = pickCore(base.core, gflops);
  log(`bench: OpenBLAS detects ${base.core ?? 'no core'} here; PyTorch's 1-thread 512 matmul by core: ` +
    `${Object.entries(gflops).map(([c, g]) => `${c} ${g.toFixed(1)}`).join(', ')} GFLOP/s; torch peers run on ${chosen}`);
  return { detected: base.core, chosen, gflops, env };
}
