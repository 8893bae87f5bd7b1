// The V8 flags the engine child runs with, for bench scripts that launch Node themselves: relaxed-SIMD FMA, which
// Node 20 has only behind a flag, and single-threaded garbage collection when the compute threads fill every core.
// The same rule as engineFlags in host/launch.ts, which these plain .mjs scripts cannot import;
// test/unit/process-flags.test.ts checks that the two agree.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const major = Number(process.versions.node.split('.')[0]);
const cores = availableParallelism();

/**
 * The flags for an engine running `computeThreads` compute threads (the engine child's default: min(2, cores)) on
 * Node `nodeMajor` (this one's by default).
 */
export function engineFlagsFor(computeThreads = Math.min(2, cores), nodeMajor = major) {
  return [...(nodeMajor === 20 || nodeMajor === 21 ? ['--experimental-wasm-relaxed-simd'] : []), ...(computeThreads >= cores ? ['--single-threaded-gc'] : [])];
}

export const ENGINE_FLAGS = engineFlagsFor();

/** glibc malloc settings the engine child runs with (ENGINE_MALLOC_ENV in host/launch.ts); the bench gives them to every peer. */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(256 << 20) };

/**
 * A Node binary a Gradlens peer may run on (the bench scripts' --node options): its path, `node --version` and major.
 * Throws, naming `bin`, when it is not one.
 */
export function nodeBinary(bin) {
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!/^v\d+\./.test(version)) throw new Error(`${bin} is not a Node binary (its --version printed '${version}')`);
  return { bin, version, major: Number(version.slice(1).split('.')[0]) };
}
