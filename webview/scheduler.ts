// Coalesces redraw requests into one per animation frame: the host may deliver many message batches between two
// frames, and drawing each would waste the frame budget.
export class FrameScheduler {
  private pending = false;

  constructor(
    private readonly draw: () => void,
    private readonly raf: (cb: () => void) => unknown = (cb) => requestAnimationFrame(cb),
  ) {}

  request(): void {
    if (this.pending) return;
    this.pending = true;
    this.raf(() => this.flush());
  }

  /** Draws now if a frame was requested (tests and benchmarks call this to draw synchronously). */
  flush(): void {
    if (!this.pending) return;
    this.pending = false;
    this.draw();
  }
}
