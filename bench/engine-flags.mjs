// The V8 flags the engine child runs with, for bench scripts that launch Node themselves: relaxed-SIMD FMA, which
// Node 20 has only behind a flag, and single-threaded garbage collection on two cores or fewer. The same rule as
// engineFlags in engine/process/client.ts, which these plain .mjs scripts cannot import;
// test/unit/process-flags.test.ts checks that the two agree.
import { availableParallelism } from 'node:os';

const major = Number(process.versions.node.split('.')[0]);

export const ENGINE_FLAGS = [
  ...(major === 20 || major === 21 ? ['--experimental-wasm-relaxed-simd'] : []),
  ...(availableParallelism() <= 2 ? ['--single-threaded-gc'] : []),
];
