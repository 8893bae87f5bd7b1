// Back-pressure between the training thread and the process's main thread. The training thread runs
// synchronously and can post messages (telemetry, the model's console output) far faster than the host reads
// them; nothing in a MessagePort or in the outbox waits, so without this the engine's memory grew without bound
// (a model printing 20 lines a batch: 246 MB -> 2.2 GB in 42 s). Two shared counters: how many messages the
// main thread has taken in, and how many the outbox still holds. The training thread waits (Atomics.wait, so a
// pause costs no CPU) while too many of its messages are unread or the outbox is full; steps, statistics and
// histograms never fill the outbox (it keeps only the newest of each), so only a run that keeps producing
// messages that must all be delivered (logs, warnings) while the host does not read is ever held up.

const CONSUMED = 0;
const BACKLOG = 1;

/** Messages the training thread may have posted that the main thread has not taken in yet. */
export const MAX_IN_FLIGHT = 256;
/** Messages the outbox may hold, waiting for the IPC channel, before the training thread waits. */
export const MAX_BACKLOG = 256;

export function createFlow(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** The training thread's side: call beforePost() before each message. */
export class FlowGate {
  private readonly slots: Int32Array;
  private posted = 0;
  /** How many times the thread had to wait (for tests and diagnostics). */
  waits = 0;

  constructor(flow: SharedArrayBuffer) {
    this.slots = new Int32Array(flow);
  }

  hasRoom(): boolean {
    return this.posted - Atomics.load(this.slots, CONSUMED) < MAX_IN_FLIGHT && Atomics.load(this.slots, BACKLOG) < MAX_BACKLOG;
  }

  /** Blocks until the main thread has room, then counts the message about to be posted. */
  beforePost(): void {
    while (!this.hasRoom()) {
      this.waits++;
      // The main thread notifies on every change; the timeout only guards against a missed wake-up.
      Atomics.wait(this.slots, CONSUMED, Atomics.load(this.slots, CONSUMED), 50);
    }
    this.posted++;
  }
}

/** The main thread's side. */
export class FlowMeter {
  private readonly slots: Int32Array;

  constructor(flow: SharedArrayBuffer) {
    this.slots = new Int32Array(flow);
  }

  /** One message from the training thread has been taken in. */
  consumed(): void {
    Atomics.add(this.slots, CONSUMED, 1);
    Atomics.notify(this.slots, CONSUMED);
  }

  /** The outbox now holds `n` messages. */
  backlog(n: number): void {
    if (Atomics.exchange(this.slots, BACKLOG, n) === n) return;
    Atomics.notify(this.slots, CONSUMED);
  }
}
