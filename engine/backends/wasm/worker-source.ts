// The helper thread's program, kept as source text so it works unchanged from the TypeScript sources, from the
// esbuild bundle and from npm (no separate file to locate). It instantiates the same module on the shared memory
// and runs command lists: [export index, argument count, arguments...] as float64 words. The control words are
// described in threads.ts. A job is read only after taking it (word 7): the main thread may have run a chunked job
// all by itself and be writing the next one already.
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, names, spins, cmdOffset, cmdWords } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => inst.exports[n]);
const ctl = new Int32Array(memory.buffer, 0, 16);
const cmd = new Float64Array(memory.buffer, cmdOffset, cmdWords);
parentPort.postMessage('ready');
let last = 0;
for (;;) {
  let n = 0;
  let limit = spins;
  while (Atomics.load(ctl, 0) === last) {
    if (++n > limit) {
      // A spin budget the main thread left with prewake(): a job is coming soon, so keep spinning that long.
      const extra = Atomics.exchange(ctl, 9, 0);
      n = 0;
      if (extra > 0) {
        limit = extra;
        continue;
      }
      limit = spins;
      Atomics.store(ctl, 8, 1);
      Atomics.wait(ctl, 0, last);
      Atomics.store(ctl, 8, 0);
    }
  }
  last = Atomics.load(ctl, 0);
  if (last < 0) break;
  try {
    if (Atomics.compareExchange(ctl, 7, 2 * last, 2 * last + 1) === 2 * last) {
      const chunks = ctl[4];
      if (chunks > 0) {
        // Chunked job: claim chunks until none is left (the main thread claims them too); a chunk waits for the
        // chunks of earlier rounds to finish.
        claim: for (let c = Atomics.add(ctl, 5, 1); c < chunks; c = Atomics.add(ctl, 5, 1)) {
          const needs = cmd[chunks + 1 + c];
          while (Atomics.load(ctl, 6) < needs) if (Atomics.load(ctl, 3) !== 0) break claim;
          run(cmd[c], cmd[c + 1]);
          Atomics.add(ctl, 6, 1);
        }
      } else run(0, ctl[2]);
    }
  } catch (e) {
    Atomics.store(ctl, 3, 1);
  }
  Atomics.store(ctl, 1, last);
  Atomics.notify(ctl, 1);
}

/** Runs the calls from word at up to word end. */
function run(at, end) {
  while (at < end) {
    const f = fns[cmd[at]];
    const argc = cmd[at + 1];
    at += 2;
    switch (argc) {
      case 3: f(cmd[at], cmd[at + 1], cmd[at + 2]); break;
      case 4: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3]); break;
      case 5: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4]); break;
      case 6: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5]); break;
      case 8: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7]); break;
      case 7: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6]); break;
      case 9: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7], cmd[at + 8]); break;
      case 10: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7], cmd[at + 8], cmd[at + 9]); break;
      case 11: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7], cmd[at + 8], cmd[at + 9], cmd[at + 10]); break;
      case 12: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7], cmd[at + 8], cmd[at + 9], cmd[at + 10], cmd[at + 11]); break;
      case 13: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7], cmd[at + 8], cmd[at + 9], cmd[at + 10], cmd[at + 11], cmd[at + 12]); break;
      case 14: f(cmd[at], cmd[at + 1], cmd[at + 2], cmd[at + 3], cmd[at + 4], cmd[at + 5], cmd[at + 6], cmd[at + 7], cmd[at + 8], cmd[at + 9], cmd[at + 10], cmd[at + 11], cmd[at + 12], cmd[at + 13]); break;
      // Spread calls into wasm exports take V8's generic path (~29 ns against ~10-13 for the fixed arities above).
      default: f(...cmd.subarray(at, at + argc));
    }
    at += argc;
  }
}
`;
