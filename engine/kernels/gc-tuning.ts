// Garbage-collection tuning for training with the wasm backend. Its kernel results are fresh ArrayBuffers (a CNN step
// makes ~10 of 0.3-2 MB; see docs/benchmarks.md on why forward results are not resident), memory outside V8's own
// heap. From V8 13.6 (Node 24; the extension host of our e2e runs it) that external memory has a limit of its own, and
// crossing it starts a full mark-compact: the pooled CNN on two threads ran one every ~120 ms, ~17 ms of marking
// each, against scavenges of ~0.4 ms on Node 20 and 22. V8's --external-memory-accounted-in-global-limit counts it
// in the heap's global limit instead: 33-35 mark-compacts in 3 s -> 2, median step 6.3-6.9 -> 4.2-5.1 ms, CPU per step
// 10.3-11.7 -> 7.5-8.6 ms (Zen 4, 2026-12-07, Node 24.21.0); the MLP, which allocates little, is unchanged.
import { setFlagsFromString } from 'node:v8';

const FLAG = '--external-memory-accounted-in-global-limit';

/** Whether V8 `version` ("major.minor.build...") has the flag: 13.6 has it, 12.4 (Node 22) and 11.3 (Node 20) not. */
export function hasExternalMemoryFlag(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 13 || (major === 13 && minor >= 6);
}

let applied = false;

/**
 * Turns the flag on for this process (V8 flags are process-wide and this one is read at each GC, so setting it at run
 * time works; measured above). Where V8 lacks it, nothing is done: an unknown flag would only print an error line.
 * Returns whether it is on.
 */
export function accountExternalMemoryInGlobalLimit(v8Version = process.versions.v8): boolean {
  if (applied) return true;
  if (!hasExternalMemoryFlag(v8Version)) return false;
  setFlagsFromString(FLAG);
  applied = true;
  return true;
}
