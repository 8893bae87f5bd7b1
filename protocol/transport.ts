// How protocol messages travel. Engine and host code talk to a Transport, never to a process or a port directly,
// so the same code runs over child-process IPC (engine/process/ipc-transport.ts) and, in tests, over the
// in-memory pair below without spawning anything (vscode-js-debug's transport.ts does the same for DAP).

export interface Transport<Out, In> {
  /** Sends one message. Returns false when the peer is gone (the message was not sent). */
  send(message: Out): boolean;
  /** Every incoming message, in order. Returns a function that unsubscribes. */
  onMessage(listener: (message: In) => void): () => void;
  /** Called once when the other side goes away. */
  onClose(listener: () => void): () => void;
  /** Messages accepted by send() but not yet handed to the peer (the backlog a sender coalesces against). */
  pending(): number;
  close(): void;
}

type Listener<T> = (value: T) => void;

class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(l: Listener<T>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
}

class MemoryEnd<Out, In> implements Transport<Out, In> {
  peer: MemoryEnd<In, Out> | null = null;
  readonly incoming = new Emitter<In>();
  readonly closed = new Emitter<void>();
  private queued = 0;
  private isClosed = false;

  send(message: Out): boolean {
    const peer = this.peer;
    if (this.isClosed || !peer || peer.isClosed) return false;
    // Deliver asynchronously, as a real channel does, and through a JSON round trip so a test catches anything
    // that would not survive IPC (typed arrays, classes, undefined in arrays).
    const copy = JSON.parse(JSON.stringify(message)) as Out;
    this.queued++;
    queueMicrotask(() => {
      this.queued--;
      if (!peer.isClosed) peer.incoming.emit(copy);
    });
    return true;
  }
  onMessage(listener: (message: In) => void): () => void {
    return this.incoming.on(listener);
  }
  onClose(listener: () => void): () => void {
    return this.closed.on(listener);
  }
  pending(): number {
    return this.queued;
  }
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closed.emit();
    this.peer?.close();
  }
}

/** Two connected in-memory ends: what one sends, the other receives (asynchronously, JSON-copied). */
export function createMemoryTransportPair<A, B>(): [Transport<A, B>, Transport<B, A>] {
  const a = new MemoryEnd<A, B>();
  const b = new MemoryEnd<B, A>();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
