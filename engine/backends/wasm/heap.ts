// The backend's one shared WebAssembly.Memory. The first CONTROL_BYTES hold the thread hand-off words and the
// helper's command list; above that, each kernel call bump-allocates its scratch and resets it afterwards.
// Shared memory never detaches its old buffer on grow, but old views keep the old length, so views are
// re-created whenever the buffer object changes.
import { MAX_PAGES } from './kernels-module';

export const CONTROL_BYTES = 1 << 20;
const PAGE = 65536;

export class WasmHeap {
  readonly memory = new WebAssembly.Memory({ initial: CONTROL_BYTES / PAGE + 16, maximum: MAX_PAGES, shared: true });
  private top = CONTROL_BYTES;
  private buf: ArrayBufferLike = this.memory.buffer;
  f32 = new Float32Array(this.buf);

  /** Frees all scratch (call at the start of each kernel). */
  reset(): void {
    this.top = CONTROL_BYTES;
  }

  /** The current top, to release scratch that a call used (see release). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Reserves `floats` float32s (64-byte aligned) and returns the byte address. */
  alloc(floats: number): number {
    const addr = this.top;
    this.top += Math.ceil((floats * 4) / 64) * 64;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) {
      this.memory.grow(Math.ceil(need / PAGE));
    }
    if (this.memory.buffer !== this.buf) {
      this.buf = this.memory.buffer;
      this.f32 = new Float32Array(this.buf);
    }
    return addr;
  }

  /** Copies `src` into fresh scratch, zero-padding to `floats` (>= src.length) elements. */
  put(src: Float32Array, floats = src.length): number {
    const addr = this.alloc(floats);
    this.f32.set(src, addr >> 2);
    if (floats > src.length) this.f32.fill(0, (addr >> 2) + src.length, (addr >> 2) + floats);
    return addr;
  }

  zeros(floats: number): number {
    const addr = this.alloc(floats);
    this.f32.fill(0, addr >> 2, (addr >> 2) + floats);
    return addr;
  }
}
