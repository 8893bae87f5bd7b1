// nn.Parameter: a leaf tensor that a Module registers as trainable. Its values are copied into resident storage
// (engine/storage.ts) so that the fast backend's kernels and optimizers use them in place. Unlike PyTorch, the
// Parameter therefore does not share memory with the tensor it was made from.
//
// The gradient slot: a resident buffer that each step's fresh gradient is written into by the kernel that computes
// it (a weight gradient's GEMM), so the optimizer then updates in place too: no copy of the gradient out of the
// heap, no fresh allocation, no copy back in. Reusing one buffer across steps must not be observable, so the slot is
// lent only while nothing outside the engine can still hold the gradient it held before: when a gradient that
// user code has read (`p.grad`) is dropped, the slot goes with it and this parameter allocates ordinary gradients
// from then on, exactly as PyTorch does under zero_grad(set_to_none=True).
import { residentCopy, residentOnly } from '../storage';
import { Tensor } from '../tensor';

/**
 * Rows of headroom past the gradient's values, seen as a [shape[0], rest] matrix: a GEMM writes whole register
 * tiles (up to 8 rows) and keeps the rows past the end at zero.
 */
const SLOT_PAD_ROWS = 8;

export class Parameter extends Tensor {
  private gradSlot: Float32Array | null = null;
  /** The slot went with a gradient that user code may still hold; never lent again. */
  private slotRetired = false;
  /** The backward pass the slot was last lent to (one lend per pass: a shared weight's second contribution adds). */
  private lentIn = -1;

  constructor(data: Tensor | Float32Array, shape?: readonly number[], requires_grad = true) {
    if (data instanceof Tensor) super(residentCopy(data.data), data.shape, requires_grad);
    else super(residentCopy(data), shape ?? [data.length], requires_grad);
  }

  override gradTarget(pass: number): Float32Array | undefined {
    if (this._grad || this._hooks || this.slotRetired || this.lentIn === pass) return undefined;
    if (!this.gradSlot) {
      const n = this.data.length;
      const rowLength = this.shape.length > 1 ? n / this.shape[0] : 1;
      this.gradSlot = residentOnly(n + SLOT_PAD_ROWS * rowLength);
      if (!this.gradSlot) {
        this.slotRetired = true;
        return undefined;
      }
    }
    this.lentIn = pass;
    return this.gradSlot;
  }

  protected override gradDropped(old: Tensor, seen: boolean): void {
    const slot = this.gradSlot;
    if (seen && slot && old.data.buffer === slot.buffer && old.data.byteOffset === slot.byteOffset) {
      this.gradSlot = null;
      this.slotRetired = true;
    }
  }
}
