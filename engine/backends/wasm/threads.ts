// Work hand-off between the main thread and one helper worker over the shared memory. The main thread writes a
// command list, bumps the sequence word and notifies; the helper spins briefly before sleeping in Atomics.wait
// (a spinning hand-off costs ~0.5 µs, a wake-up from sleep ~12 µs). Work is always split the same way for the same
// shapes, and each output element is written by exactly one thread, so results are bit-identical run to run.
import { Worker } from 'node:worker_threads';
import { CONTROL_BYTES } from './heap';
import { WORKER_SOURCE } from './worker-source';

export type Call = [fn: number, args: number[]];

const CMD_OFFSET = 1024;
const CMD_WORDS = (CONTROL_BYTES - CMD_OFFSET) / 8;
const SPINS = 20000;

export class Helper {
  private readonly ctl: Int32Array;
  private readonly cmd: Float64Array;
  private seq = 0;

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
      at = this.encode(call, at);
      count++;
    }
    this.ctl[2] = at;
    this.start();
    return calls.slice(count);
  }

  /** Writes one call as [fn, argc, args...] at word `at`; returns the word after it. */
  private encode([fn, args]: Call, at: number): number {
    this.cmd[at++] = fn;
    this.cmd[at++] = args.length;
    for (const a of args) this.cmd[at++] = a;
    return at;
  }

  /** Publishes the job written to the command area (the store of the sequence number releases it). */
  private start(): void {
    this.seq = (this.seq + 1) & 0x3fffffff;
    if (this.seq === 0) this.seq = 1;
    Atomics.store(this.ctl, 0, this.seq);
    Atomics.notify(this.ctl, 0, 1);
  }

  join(): void {
    let n = 0;
    for (;;) {
      const done = Atomics.load(this.ctl, 1);
      if (done === this.seq) break;
      if (++n > SPINS) Atomics.wait(this.ctl, 1, done, 50);
    }
    if (Atomics.exchange(this.ctl, 3, 0) !== 0) throw new Error('wasm helper thread failed while running a kernel');
  }

  /**
   * Runs independent chunks of calls on both threads, each thread taking the next unclaimed chunk until none is
   * left, so a thread that runs slower (its core shared with other work, as on a busy laptop or VM) simply takes
   * fewer. Chunks write disjoint outputs and each runs its calls in order, so results do not depend on which thread
   * ran what. Returns false, having run nothing, when the chunks do not fit the command area.
   */
  runChunks(chunks: Call[][]): boolean {
    // Command area: chunks + 1 start offsets (in words), then the calls.
    let at = chunks.length + 1;
    for (let i = 0; i < chunks.length; i++) {
      this.cmd[i] = at;
      for (const [, args] of chunks[i]) at += 2 + args.length;
    }
    if (at > CMD_WORDS) return false;
    this.cmd[chunks.length] = at;
    at = chunks.length + 1;
    for (const chunk of chunks) for (const call of chunk) at = this.encode(call, at);
    this.ctl[4] = chunks.length;
    this.ctl[5] = 0;
    this.start();
    try {
      for (let c = Atomics.add(this.ctl, 5, 1); c < chunks.length; c = Atomics.add(this.ctl, 5, 1)) {
        for (const [fn, args] of chunks[c]) this.call(fn, args);
      }
    } finally {
      this.join();
      this.ctl[4] = 0;
    }
    return true;
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
