// The pass arena: memory in the wasm heap for the kernel outputs of one backward pass.
//
// Tensors cannot simply live in the heap: V8 frees memory only through garbage-collection callbacks, which never run
// inside a synchronous training loop. So a tensor's memory needs an explicit lifetime instead. The gradients that
// flow through loss.backward() have one: autograd (engine/autograd.ts) owns them, hands each to the next backward
// function and drops it, and the pass ends when backward() returns. While a backward function runs, every kernel
// result goes here (WasmHeap.output) instead of into a fresh JavaScript array, and the kernel that consumes it next
// reads it in place: a copy out of the heap, an allocation and a copy back in saved per gradient. The arena is reset
// when the pass ends, so autograd copies whatever outlives the pass (a leaf's .grad, what tensor hooks keep) first.
//
// The arena is one resident block, bump-allocated from its start. What does not fit goes to JavaScript arrays as
// before, and the next pass starts with a block as large as this pass wanted (up to MAX_BYTES): the block can only
// be replaced between kernels, never while one holds scratch above it.
import type { PassArena as Arena } from '../../kernels/registry';
import type { WasmHeap } from './heap';

/** The largest arena: past it a backward pass's further results are ordinary arrays. */
const MAX_BYTES = 512 << 20;
const ALIGN = 64;

export class PassArena implements Arena {
  /** The largest block this arena takes (0 turns it off: every result is an ordinary array, as without it). */
  limit = MAX_BYTES;
  private addr = 0;
  private bytes = 0;
  private used = 0;
  /** What this pass asked for in all, so the next pass's block can hold it. */
  private wanted = 0;
  /** Nested passes (a backward() run inside another's hook): only the outermost one starts and ends the arena. */
  private depth = 0;
  /** Whether a backward function is running now: kernel outputs go to the arena only then. */
  private open = false;

  constructor(private readonly heap: WasmHeap) {}

  /** A backward pass starts: the arena is empty again, and as large as the last pass wanted. */
  beginPass(): void {
    if (this.depth++ > 0) return;
    this.used = 0;
    const want = Math.min(this.limit, this.wanted);
    this.wanted = 0;
    if (want <= this.bytes && this.bytes <= this.limit) return;
    if (this.bytes > 0) this.heap.freeBlock(this.addr, this.bytes);
    // A quarter more than asked, so a pass that wants a little more next time does not move the block again.
    const bytes = Math.min(this.limit, Math.ceil((want * 1.25) / ALIGN) * ALIGN);
    this.bytes = 0;
    if (bytes === 0) return;
    try {
      this.addr = this.heap.allocBlock(bytes);
      this.bytes = bytes;
    } catch {
      // The heap cannot grow that far (wasm memory is capped at 2 GiB): this and later passes run without an arena
      // as large, their results in ordinary arrays as before.
      this.limit = Math.floor(bytes / 2 / ALIGN) * ALIGN;
    }
  }

  /** The pass is over: every view handed out since beginPass is invalid from here on. */
  endPass(): void {
    if (--this.depth > 0) return;
    this.depth = 0;
    this.open = false;
    this.used = 0;
  }

  /** Kernel outputs go to the arena from here until close() (while autograd runs one backward function). */
  openFor(): boolean {
    const was = this.open;
    this.open = this.depth > 0;
    return was;
  }

  close(was: boolean): void {
    this.open = was;
  }

  /** The byte address of room for `floats` results, or -1 when the arena is closed or full. */
  take(floats: number): number {
    if (!this.open) return -1;
    const need = Math.ceil((floats * 4) / ALIGN) * ALIGN;
    this.wanted += need;
    if (this.used + need > this.bytes) return -1;
    const at = this.addr + this.used;
    this.used += need;
    return at;
  }

  /** The arena's size in bytes (for tests and reports). */
  get capacity(): number {
    return this.bytes;
  }

  /** Whether byte address `addr` lies in the arena. */
  holds(addr: number): boolean {
    return this.bytes > 0 && addr >= this.addr && addr < this.addr + this.bytes;
  }

  /** Whether `a` lies in the arena (so it is only valid until the current pass ends). */
  owns(a: Float32Array): boolean {
    const at = this.heap.addressOf(a);
    return at >= 0 && this.holds(at);
  }
}
