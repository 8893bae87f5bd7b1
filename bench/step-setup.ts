// The start every step-level measurement script shares (bench/profile-step.ts, bench/kernel-times.ts): the engine
// child's malloc settings, the backends, the seed, the workload's step (bench/step-models.ts, the step the bench
// times) and its warm-up.
import { spawnSync } from 'node:child_process';
import { manual_seed } from '../engine/index';
import { engineEnv } from '../host/launch';
import { initBackends } from '../engine/kernels/register-backends';
import type { BackendName } from '../protocol/messages';
import { makeWorkload } from './step-models';

/**
 * The engine child's malloc settings (host/launch.ts) must be in place before the process starts: without them this
 * runs the script again with them, in a child, and exits with its status.
 */
export function inEngineEnv(): void {
  if (process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: engineEnv() });
  process.exit(r.status ?? 1);
}

/** Starts the backends on `threads` wasm threads and returns workload `name`'s training step, seeded, not yet run. */
export async function workloadStep(name: string, threads: number, backend: BackendName | 'auto' = 'wasm'): Promise<() => void> {
  await initBackends({ backend, wasmThreads: threads });
  manual_seed(0);
  return makeWorkload(name);
}

/**
 * Runs `step` for 2 s: V8 optimizes the engine's hot functions over the first ~1.5 s (see docs/benchmarks.md), and
 * the measurement should see the step as a training run does after that.
 */
export function warmUp(step: () => void): void {
  const end = performance.now() + 2000;
  while (performance.now() < end) step();
}
