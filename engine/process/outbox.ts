// Sends engine messages to a consumer that may be slower than training. Nothing here ever waits: when more
// than `highWater` messages are in flight, the telemetry kinds that a newer message supersedes (step,
// layerStats, histograms) are coalesced, keeping only the newest queued one of each; every other message
// (anomaly, epoch, error, paused, finished, responses...) is queued and delivered in order. The run record
// gets everything regardless: it is written before the outbox. `onSize` hears the queue's length after every
// change (the main thread passes it on to the training thread as back-pressure, see flow.ts).
import type { EngineMessage } from '../../protocol/messages';
import type { Transport } from '../../protocol/transport';

const COALESCABLE = new Set<EngineMessage['type']>(['step', 'layerStats', 'histograms']);

export class Outbox {
  private readonly queue: EngineMessage[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  coalesced = 0;

  constructor(
    private readonly transport: Transport<EngineMessage, unknown>,
    private readonly highWater = 32,
    private readonly onSize: (queued: number) => void = () => undefined,
  ) {}

  push(msg: EngineMessage): void {
    if (this.queue.length === 0 && this.transport.pending() < this.highWater) {
      this.transport.send(msg);
      this.onSize(0);
      return;
    }
    if (COALESCABLE.has(msg.type)) {
      // Replace the newest queued message of the same type that no kept message depends on.
      for (let i = this.queue.length - 1; i >= 0; i--) {
        if (this.queue[i].type === msg.type) {
          this.queue.splice(i, 1);
          this.coalesced++;
          break;
        }
      }
    }
    this.queue.push(msg);
    this.flush();
  }

  /** Sends queued messages while the transport's backlog allows; call again when it drains. */
  flush(): void {
    while (this.queue.length > 0 && this.transport.pending() < this.highWater) {
      this.transport.send(this.queue.shift() as EngineMessage);
    }
    // The transport has no drain event: look again shortly while anything is left (the event loop of the
    // process that owns the outbox is never busy with training, so this timer runs on time).
    if (this.queue.length > 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, 5);
    }
    this.onSize(this.queue.length);
  }

  /** Sends everything left, whatever the backlog (at the end of a run). */
  drain(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0) this.transport.send(this.queue.shift() as EngineMessage);
    this.onSize(0);
  }

  get size(): number {
    return this.queue.length;
  }
}
