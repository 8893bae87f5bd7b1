// The backend's one shared WebAssembly.Memory, in three regions:
//   [0, CONTROL_BYTES)        the thread hand-off words and the helper's command list;
//   [CONTROL_BYTES, residentTop)  resident buffers: parameters and optimizer state that live across steps, so
//                             kernels use them in place instead of copying them in and out on every call;
//   [residentTop, ...)        scratch, bump-allocated by each kernel call and reset at the start of the next.
// Shared memory never detaches its old buffer on grow (old views keep working, with the old length), so resident
// views stay valid forever; the heap re-creates its own whole-memory view whenever the buffer object changes.
// One resident block is the pass arena (pass-arena.ts): while autograd runs a backward function, kernel outputs are
// written there instead of into fresh JavaScript arrays, and the next kernel reads them in place.
import { MAX_PAGES } from './kernels-module';
import { PassArena } from './pass-arena';

export const CONTROL_BYTES = 1 << 20;

/**
 * A Float32Array whose contents are undefined, for results that are written in full before anyone reads them
 * (kernel outputs copied out of the heap). `new Float32Array(n)` zero-fills first: for the MB-sized activations of
 * a CNN step that costs as much as the copy itself. Buffer.allocUnsafeSlow is Node's unpooled, unzeroed allocation.
 */
export function uninitializedFloat32(length: number): Float32Array {
  return new Float32Array(Buffer.allocUnsafeSlow(length * 4).buffer, 0, length);
}
const PAGE = 65536;
/** Every block starts on a cache line and spans whole 16-float (64-byte) units: v128 loops may run over the tail. */
const ALIGN = 64;

const roundUp = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

export class WasmHeap {
  readonly memory = new WebAssembly.Memory({ initial: CONTROL_BYTES / PAGE + 16, maximum: MAX_PAGES, shared: true });
  private buf: ArrayBufferLike = this.memory.buffer;
  f32 = new Float32Array(this.buf);
  /** Every buffer object this memory has had: a view over any of them addresses this heap. */
  private readonly generations = new WeakSet<ArrayBufferLike>([this.buf]);
  private residentTop = CONTROL_BYTES;
  /** Freed resident blocks, [address, bytes], sorted by address and coalesced. */
  private free: Array<[number, number]> = [];
  /** Live resident blocks: address -> bytes. */
  private readonly blocks = new Map<number, number>();
  private top = CONTROL_BYTES;
  private readonly reclaim = new FinalizationRegistry<[number, number]>(([addr, bytes]) => this.release_(addr, bytes));
  /** Where kernel outputs go during a backward pass (see pass-arena.ts). */
  readonly arena = new PassArena(this);
  /** The module's memset and memmove (bulk-module.ts), once the runtime has an instance; see zero and copyOut. */
  private bulk: { zero: (dst: number, bytes: number) => void; copy: (dst: number, src: number, bytes: number) => void } | null = null;

  useBulk(zero: (dst: number, bytes: number) => void, copy: (dst: number, src: number, bytes: number) => void): void {
    this.bulk = { zero, copy };
  }

  /** Zeroes `floats` floats at byte address `addr` (a JavaScript fill on shared memory is ~6x slower). */
  zero(addr: number, floats: number): void {
    if (this.bulk) this.bulk.zero(addr, floats * 4);
    else this.f32.fill(0, addr >> 2, (addr >> 2) + floats);
  }

  /** Frees all scratch (call at the start of each kernel). */
  reset(): void {
    this.top = this.residentTop;
  }

  /** The current top, to release scratch that a call used (see release). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Reserves `floats` float32s of scratch (64-byte aligned) and returns the byte address. */
  alloc(floats: number): number {
    const addr = this.top;
    this.top += roundUp(floats * 4);
    this.ensure(this.top);
    return addr;
  }

  /** Copies `src` into fresh scratch, zero-padding to `floats` (>= src.length) elements. */
  put(src: Float32Array, floats = src.length): number {
    const addr = this.alloc(floats);
    this.f32.set(src, addr >> 2);
    if (floats > src.length) this.zero(addr + src.length * 4, floats - src.length);
    return addr;
  }

  /**
   * The `floats` values at `addr` (a kernel's result, copied out of scratch) in `into` when the caller named a target
   * (exactly `floats` long, see Into in kernel-map.ts), else in a fresh Float32Array.
   */
  copyOut(addr: number, floats: number, into?: Float32Array): Float32Array {
    const out = into ?? this.output(floats);
    const dst = this.addressOf(out);
    if (dst >= 0 && this.bulk) this.bulk.copy(dst, addr, floats * 4);
    else out.set(this.f32.subarray(addr >> 2, (addr >> 2) + floats));
    return out;
  }

  /**
   * An array for a kernel's result of `floats` values, written in full before anyone reads it: a view into the pass
   * arena while autograd runs a backward function (valid until that backward pass ends), else a fresh array.
   */
  output(floats: number): Float32Array {
    const addr = this.arena.take(floats);
    return addr < 0 ? uninitializedFloat32(floats) : this.view(addr, floats);
  }

  /**
   * Room for a kernel's result of `floats` values: in the pass arena while it is open (the result is then handed
   * out where it lies, see deliver), else in scratch. `zeroed` for a kernel that accumulates into it.
   */
  result(floats: number, zeroed = false): number {
    const addr = this.arena.take(floats);
    if (addr < 0) return zeroed ? this.zeros(floats) : this.alloc(floats);
    if (zeroed) this.zero(addr, floats);
    return addr;
  }

  /** The `floats` values at `addr` (from result): the arena's view as it lies, else a copy out of scratch. */
  deliver(addr: number, floats: number): Float32Array {
    return this.arena.holds(addr) ? this.view(addr, floats) : this.copyOut(addr, floats);
  }

  /** `floats` values at `addr` as a view (for results written straight into the pass arena). */
  view(addr: number, floats: number): Float32Array {
    return new Float32Array(this.buf, addr, floats);
  }

  zeros(floats: number): number {
    const addr = this.alloc(floats);
    this.zero(addr, floats);
    return addr;
  }

  /**
   * The byte address of `a` when it is a view into this heap's resident region (so a kernel may read and write it
   * in place), else -1. Scratch is never handed out as a view, so any view of ours is resident.
   */
  addressOf(a: Float32Array): number {
    return this.generations.has(a.buffer) ? a.byteOffset : -1;
  }

  /**
   * A raw resident block of `bytes` (a multiple of 64) that lives until freeBlock: no view, no zero fill, not
   * reclaimed by the garbage collector. Like allocResident, never while a kernel's scratch is in use.
   */
  allocBlock(bytes: number): number {
    const i = this.free.findIndex(([, size]) => size >= bytes);
    let addr: number;
    if (i >= 0) {
      const [a, size] = this.free[i];
      addr = a;
      if (size === bytes) this.free.splice(i, 1);
      else this.free[i] = [a + bytes, size - bytes];
    } else {
      addr = this.residentTop;
      this.residentTop += bytes;
      this.ensure(this.residentTop);
      this.top = Math.max(this.top, this.residentTop);
    }
    return addr;
  }

  /** Gives back a block of allocBlock. */
  freeBlock(addr: number, bytes: number): void {
    this.release_(addr, bytes);
  }

  /** How many floats the resident block that `a` starts may hold (its length plus padding), or 0 if not resident. */
  residentFloats(a: Float32Array): number {
    const addr = this.addressOf(a);
    return addr >= 0 ? (this.blocks.get(addr) ?? 0) / 4 : 0;
  }

  /**
   * `src` in place when resident, else a scratch copy zero-padded to `floats`. A whole resident block serves
   * padded uses too: it is zero beyond its length up to the next 16 floats (kernels keep that padding zero).
   */
  use(src: Float32Array, floats = src.length): number {
    const addr = this.addressOf(src);
    const fits = floats === src.length || (this.blocks.get(addr) ?? 0) >= floats * 4;
    return addr >= 0 && fits ? addr : this.put(src, floats);
  }

  /**
   * A zero-filled resident Float32Array of `length` elements that lives as long as the view does (its block is
   * reclaimed after the view is garbage-collected). Must not be called while a kernel's scratch is in use.
   */
  allocResident(length: number): Float32Array {
    const bytes = roundUp(Math.max(1, length) * 4);
    const addr = this.allocBlock(bytes);
    this.zero(addr, bytes / 4);
    // Only these blocks promise zeros past their length (see use): the pass arena's views make no such promise.
    this.blocks.set(addr, bytes);
    const view = new Float32Array(this.buf, addr, length);
    this.reclaim.register(view, [addr, bytes]);
    return view;
  }

  /** Bytes held by live resident buffers (for tests and reports). */
  residentBytes(): number {
    return this.residentTop - CONTROL_BYTES - this.free.reduce((s, [, size]) => s + size, 0);
  }

  private release_(addr: number, bytes: number): void {
    this.blocks.delete(addr);
    let i = 0;
    while (i < this.free.length && this.free[i][0] < addr) i++;
    this.free.splice(i, 0, [addr, bytes]);
    // Coalesce with the neighbours, then give a free block at the very top back to scratch.
    if (i + 1 < this.free.length && this.free[i][0] + this.free[i][1] === this.free[i + 1][0]) {
      this.free[i][1] += this.free[i + 1][1];
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === this.free[i][0]) {
      this.free[i - 1][1] += this.free[i][1];
      this.free.splice(i, 1);
      i--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last[0] + last[1] === this.residentTop) {
      this.residentTop = last[0];
      this.free.pop();
    }
  }

  private ensure(end: number): void {
    const need = end - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
    if (this.memory.buffer !== this.buf) {
      this.buf = this.memory.buffer;
      this.generations.add(this.buf);
      this.f32 = new Float32Array(this.buf);
    }
  }
}
