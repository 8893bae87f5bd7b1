// The ring of snapshots: one every `every` steps, the newest `depth` kept, the oldest's arrays reused for the next
// one (no allocation once the ring is full). Defaults measured in bench/snapshot-cost.ts (docs/time-travel.md).
import type { TrainingSnapshot } from './snapshot';

export interface SnapshotSettings {
  /** A snapshot before every N-th step (and before the second step of each epoch). */
  every: number;
  /** How many are kept; going back reaches the oldest. */
  depth: number;
}

export const SNAPSHOT_DEFAULTS: SnapshotSettings = { every: 10, depth: 8 };

export class SnapshotRing {
  /** Oldest first. */
  private readonly snaps: TrainingSnapshot[] = [];
  readonly every: number;
  readonly depth: number;

  constructor(settings: Partial<SnapshotSettings> = {}) {
    const every = settings.every ?? SNAPSHOT_DEFAULTS.every;
    const depth = settings.depth ?? SNAPSHOT_DEFAULTS.depth;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`time travel: snapshots every must be an integer >= 1 (got ${every})`);
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`time travel: snapshots depth must be an integer >= 1 (got ${depth})`);
    this.every = every;
    this.depth = depth;
  }

  /** Whether a snapshot belongs before `step` (every N-th, or `also`) and the ring does not hold it yet. */
  due(step: number, also = false): boolean {
    return (also || step % this.every === 0) && !this.snaps.some((s) => s.step === step);
  }

  /** Adds a snapshot taken by `take`, handing it the evicted one's arrays when the ring is full. */
  add(take: (reuse: TrainingSnapshot | undefined) => TrainingSnapshot): TrainingSnapshot {
    const reuse = this.snaps.length >= this.depth ? this.snaps.shift() : undefined;
    const snap = take(reuse);
    this.snaps.push(snap);
    this.snaps.sort((a, b) => a.step - b.step);
    return snap;
  }

  /** The newest snapshot at or before `step`. */
  atOrBefore(step: number): TrainingSnapshot | undefined {
    for (let i = this.snaps.length - 1; i >= 0; i--) if (this.snaps[i].step <= step) return this.snaps[i];
    return undefined;
  }

  /** Forgets the snapshots after `step` (the run went back before them: they belong to a future that changes). */
  dropAfter(step: number): void {
    while (this.snaps.length && this.snaps[this.snaps.length - 1].step > step) this.snaps.pop();
  }

  get oldest(): number | undefined {
    return this.snaps[0]?.step;
  }

  get size(): number {
    return this.snaps.length;
  }

  get bytes(): number {
    return this.snaps.reduce((sum, s) => sum + s.bytes, 0);
  }
}
