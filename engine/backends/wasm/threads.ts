// Work hand-off between the main thread and one helper worker over the shared memory. The main thread writes a
// command list, bumps the sequence word and, only if the helper has gone to sleep, notifies it; the helper spins
// briefly before sleeping in Atomics.wait (a spinning hand-off costs ~0.5 µs, a wake-up from sleep ~12 µs and far
// more on a busy VM). Work is always split the same way for the same shapes, and each output element is written by
// exactly one thread, so results are bit-identical run to run and to one thread.
//
// Control words (Int32, see worker-source.ts): 0 job sequence number, 1 last job the helper finished, 2 end word of
// a plain command list, 3 error flag, 4 chunk count of a chunked job (0: plain), 5 next unclaimed chunk, 6 chunks
// completed, 7 who runs the current job (2*seq: open; 2*seq+1: the helper took it; -1: the main thread ran every
// chunk before the helper woke, so the helper skips it; a helper that wakes late, holding an old seq, finds no open
// job of its own), 8 the helper is asleep (notify it), 9 a spin budget for the helper's next wait (prewake).
import { Worker } from 'node:worker_threads';
import { CONTROL_BYTES } from './heap';
import { WORKER_SOURCE } from './worker-source';

export type Call = [fn: number, args: number[]];

const CMD_OFFSET = 1024;
const CMD_WORDS = (CONTROL_BYTES - CMD_OFFSET) / 8;
const SPINS = 20000;

/** Writes one call as [fn, argc, args...] at word `at` of `words`; returns the word after it. */
function writeCall(words: Float64Array, [fn, args]: Call, at: number): number {
  words[at++] = fn;
  words[at++] = args.length;
  for (const a of args) words[at++] = a;
  return at;
}

/** A chunked job as written to the command area, and its chunks for this thread to claim. */
interface EncodedJob {
  chunks: Call[][];
  words: Float64Array;
}

export class Helper {
  private readonly ctl: Int32Array;
  private readonly cmd: Float64Array;
  private seq = 0;
  /** Chunked jobs that this thread finished alone before the helper woke (which then skipped them). */
  missed = 0;
  /** Encodings of jobs their callers run again unchanged (GEMM plans), so each is written once. */
  private readonly encoded = new WeakMap<Call[][][], EncodedJob>();

  private constructor(
    private readonly worker: Worker,
    memory: WebAssembly.Memory,
    /** Runs one call on this thread. */
    private readonly call: (fn: number, args: number[]) => void,
  ) {
    this.ctl = new Int32Array(memory.buffer, 0, 16);
    this.cmd = new Float64Array(memory.buffer, CMD_OFFSET, CMD_WORDS);
  }

  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, names: string[], call: (fn: number, args: number[]) => void): Promise<Helper> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, names, spins: SPINS, cmdOffset: CMD_OFFSET, cmdWords: CMD_WORDS },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    // The helper must never keep the process alive.
    worker.unref();
    return new Helper(worker, memory, call);
  }

  /** Starts `calls` on the helper; returns the calls that did not fit (run them after join()). */
  dispatch(calls: Call[]): Call[] {
    let at = 0;
    let count = 0;
    for (const call of calls) {
      if (at + 2 + call[1].length > CMD_WORDS) break;
      at = writeCall(this.cmd, call, at);
      count++;
    }
    this.ctl[2] = at;
    this.ctl[4] = 0;
    this.start();
    return calls.slice(count);
  }

  /** Publishes the job written to the command area (the store of the sequence number releases it). */
  private start(): void {
    this.seq = (this.seq + 1) & 0x3fffffff;
    if (this.seq === 0) this.seq = 1;
    Atomics.store(this.ctl, 7, 2 * this.seq);
    Atomics.store(this.ctl, 0, this.seq);
    // The helper raises word 8 before it sleeps and re-reads word 0 as it does (Atomics.wait compares atomically):
    // with sequentially consistent atomics either we see the flag or it sees the new job. Notifying a helper that
    // is still spinning would only cost the futex lock.
    if (Atomics.load(this.ctl, 8) !== 0) Atomics.notify(this.ctl, 0, 1);
  }

  /**
   * Tells the helper that a job will follow within about `spins` of its spin iterations (each ~5 ns), so that it
   * spins until then instead of going to sleep, waking it now if it sleeps: a caller about to spend a few hundred
   * microseconds preparing a job (copying its inputs into the heap) hides the helper's wake-up behind that work
   * instead of paying it after. Spinning longer by default costs the main thread CPU when the machine is busy.
   */
  prewake(spins: number): void {
    Atomics.store(this.ctl, 9, spins);
    if (Atomics.load(this.ctl, 8) !== 0) Atomics.notify(this.ctl, 0, 1);
  }

  join(): void {
    this.waitDone();
    if (Atomics.exchange(this.ctl, 3, 0) !== 0) throw new Error('wasm helper thread failed while running a kernel');
  }

  /** Waits until the helper has finished the current job. */
  private waitDone(): void {
    let n = 0;
    for (;;) {
      const done = Atomics.load(this.ctl, 1);
      if (done === this.seq) break;
      if (++n > SPINS) Atomics.wait(this.ctl, 1, done, 50);
    }
  }

  /**
   * Runs rounds of chunks on both threads, each thread taking the next unclaimed chunk until none is left, so a
   * thread that runs slower (its core shared with other work, as on a busy laptop or VM) simply takes fewer. The
   * chunks of a round are independent (disjoint outputs, each running its calls in order), so results do not depend
   * on which thread ran what; a round starts once every chunk of the rounds before it has finished. If the helper
   * has not woken by the time every chunk is claimed, this thread has run them all and does not wait for it.
   * Returns false, having run nothing, when the job does not fit the command area. `reused`: the caller will run
   * this same, unchanged rounds object again, so its encoding is kept.
   */
  runRounds(rounds: Call[][][], reused = false): boolean {
    let chunks: Call[][];
    const kept = reused ? this.encoded.get(rounds) : undefined;
    if (kept) {
      chunks = kept.chunks;
      this.cmd.set(kept.words);
    } else {
      // Written straight into the command area: a fresh array per job would be garbage for every split kernel.
      chunks = rounds.flat();
      const end = this.encodeRounds(rounds, chunks);
      if (end < 0) return false;
      if (reused) this.encoded.set(rounds, { chunks, words: this.cmd.slice(0, end) });
    }
    const n = chunks.length;
    this.ctl[4] = n;
    this.ctl[5] = 0;
    this.ctl[6] = 0;
    this.start();
    let failed = false;
    try {
      claim: for (let c = Atomics.add(this.ctl, 5, 1); c < n; c = Atomics.add(this.ctl, 5, 1)) {
        const needs = this.cmd[n + 1 + c];
        while (Atomics.load(this.ctl, 6) < needs) if (Atomics.load(this.ctl, 3) !== 0) break claim;
        for (const [fn, args] of chunks[c]) this.call(fn, args);
        Atomics.add(this.ctl, 6, 1);
      }
    } catch (e) {
      // Release a helper waiting at a round barrier for a chunk that will never finish.
      failed = true;
      Atomics.store(this.ctl, 3, 2);
      throw e;
    } finally {
      // Every chunk is claimed. Unless the helper took the job, take it from it: it will skip the job when it wakes.
      const helperOwns = Atomics.compareExchange(this.ctl, 7, 2 * this.seq, -1) !== 2 * this.seq;
      if (!helperOwns) this.missed++;
      if (failed) {
        if (helperOwns) this.waitDone();
        Atomics.store(this.ctl, 3, 0);
      } else if (helperOwns) this.join();
    }
    return true;
  }

  /**
   * Writes a chunked job to the command area: n + 1 start offsets (in words), then per chunk the count of chunks
   * that must finish first, then the calls. Returns the end word, or -1 if it does not fit (nothing runs then).
   */
  private encodeRounds(rounds: Call[][][], chunks: Call[][]): number {
    const n = chunks.length;
    let at = 2 * n + 1;
    for (let i = 0; i < n; i++) {
      this.cmd[i] = at;
      for (const [, args] of chunks[i]) at += 2 + args.length;
    }
    if (at > CMD_WORDS) return -1;
    const end = at;
    this.cmd[n] = end;
    let before = 0;
    let i = 0;
    for (const round of rounds) {
      for (let r = 0; r < round.length; r++) this.cmd[n + 1 + i++] = before;
      before += round.length;
    }
    at = 2 * n + 1;
    for (const chunk of chunks) for (const call of chunk) at = writeCall(this.cmd, call, at);
    return end;
  }

  /** Runs `calls` on the helper while `own()` runs here; returns when both are done. */
  runAlongside(calls: Call[], own: () => void): void {
    let rest = this.dispatch(calls);
    try {
      own();
    } finally {
      this.join();
    }
    while (rest.length > 0) {
      rest = this.dispatch(rest);
      this.join();
    }
  }

  async stop(): Promise<void> {
    Atomics.store(this.ctl, 0, -1);
    Atomics.notify(this.ctl, 0, 1);
    await this.worker.terminate();
  }
}
