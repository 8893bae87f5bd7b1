// Going back in a training run. A loop Gradlens may not own (a user's script) cannot be rewound, so the state is:
// between two steps, the snapshot's weights, optimizer, scheduler, random streams, loader cursors and detectors
// are put back in place, the loop's step counter is set, and the user's `for (const [x, y] of loader)` simply
// receives the restored batch next. The steps from the snapshot to the target run again silently (their messages
// are already in the record; a replay reproduces them bit for bit) and the run pauses or goes on at the target.
// Restoring happens only at a step's end (inside optimizer.step(), before what the loop does after it: a
// scheduler's step), where the snapshots are taken, so whatever code the loop runs between two steps runs the
// same way after a restore. The loop's own counters (a user's `i++`, its epoch) do not rewind, so going back
// stays within the loader's current epoch: docs/time-travel.md.
import type { AnomalyKind, BatchPosition, EngineMessage, TimeTravelEvent, TimeTravelKind } from '../../../protocol/messages';
import { SnapshotRing, type SnapshotSettings } from './ring';
import { restoreSnapshot, takeSnapshot, type CursorLoader, type TrainingParts, type TrainingSnapshot } from './snapshot';

/** What the loop lends to time travel. */
export interface TravelLoop {
  parts: TrainingParts;
  /** The loader whose batches are the steps: skipping acts on it, and it says which batch a step trained on. */
  trainLoader(): (CursorLoader & { peekNext(): BatchPosition; skipNext(): BatchPosition }) | undefined;
  /** After a restore at the end of a step: the next step the loop takes is `step`. */
  setNextStep(step: number): void;
  /** Every parameter group of the optimizer (the learning rate is scaled there). */
  paramGroups(): Array<{ lr: number }>;
}

/** Where a stopped run stands in its step: at its start (batch drawn, nothing run), inside it, or at its end. */
export type StepPosition = 'start' | 'inside' | 'end';

/** A move in time: back to the start of `target`, then skip, scale the learning rate, and pause or go on. */
export interface TravelPlan {
  kind: TimeTravelKind;
  from: number;
  target: number;
  skip: BatchPosition[];
  lrFactor?: number;
  pause: boolean;
  anomaly?: AnomalyKind;
  /** Restore a snapshot at or before this step rather than the newest before the target (a longer replay). */
  restoreBefore?: number;
  /** The snapshot chosen when the move was planned (the one restored). */
  snapshotStep?: number;
}

const key = (p: BatchPosition): string => `${p.epoch}:${p.batch}`;

export class TimeTravel {
  readonly ring: SnapshotRing;
  /** Asked for, carried out at the end of the current step. */
  private pending: TravelPlan | null = null;
  /** Restored: replaying silently up to the plan's target. */
  private arriving: TravelPlan | null = null;
  /** The batch each recent step trained on (pruned to the ring's reach). */
  private readonly drawn = new Map<number, BatchPosition>();
  /** Batches left out of this run from now on, also when a later rewind replays past them. */
  private readonly skipped = new Set<string>();
  /** Time spent taking snapshots (ms) and how many were taken: the cost docs/time-travel.md reports. */
  readonly cost = { ms: 0, taken: 0 };

  constructor(
    private readonly loop: TravelLoop,
    settings: Partial<SnapshotSettings>,
    private readonly emit: (msg: EngineMessage) => void,
  ) {
    this.ring = new SnapshotRing(settings);
  }

  /** Steps run now do not count: the rest of a step being left behind, and the replay up to a target. */
  get silent(): boolean {
    return this.pending !== null || this.arriving !== null;
  }

  /**
   * A step starts with its batch in hand. Records which batch it is, takes the first snapshot, and when a replay
   * arrives here, ends it: returns the plan (pause on it, or go on), with its learning-rate change applied.
   */
  batchStart(step: number): TravelPlan | undefined {
    const loader = this.loop.trainLoader();
    const live = loader?.cursor().live;
    if (live && live.batch > 0) this.drawn.set(step, { epoch: live.epoch, batch: live.batch - 1 });
    const plan = this.arriving;
    if (!plan || step !== plan.target) return undefined;
    this.arriving = null;
    if (plan.lrFactor !== undefined) this.scaleLr(plan.lrFactor);
    return plan;
  }

  /** The end of `step`: carries out a pending move, or takes the snapshot due before the next step. */
  stepEnd(step: number): void {
    let next = step + 1;
    const plan = this.pending;
    if (plan) {
      this.pending = null;
      next = this.restore(plan);
    }
    this.skipAhead();
    // Each epoch gets one early (its first step cannot be gone back to: the snapshot before it is in the last epoch).
    if (this.ring.due(next, next === step + 1 && this.drawn.get(step)?.batch === 0)) this.snapshot(next);
  }

  /**
   * Plans a move from a stop at `step` (where in it: `at`); carried out at this step's end. Returns why it cannot
   * be done, or undefined. `lastStops` are the steps of the anomaly and breakpoint stops so far (Reverse Continue).
   */
  request(kind: Exclude<TimeTravelKind, 'recover'>, step: number, at: StepPosition, opts: { factor?: number; lastStops?: readonly number[] } = {}): string | undefined {
    if (this.silent) return 'The run is already going back in time.';
    if (kind === 'scaleLearningRate') {
      const f = opts.factor;
      if (f === undefined || !(f > 0) || !Number.isFinite(f)) return `The learning-rate factor must be a positive number (got ${f}).`;
      // Before this step's optimizer update, the new rate still applies to it: nothing to undo.
      if (at !== 'end') {
        this.scaleLr(f);
        this.note({ kind, fromStep: step, toStep: step, lrFactor: f, message: `Learning rate x${f} from step ${step} (now ${this.lr()}).` });
        return undefined;
      }
      return this.plan({ kind, from: step, target: step, skip: [], lrFactor: f, pause: false });
    }
    if (kind === 'stepBack') return this.plan({ kind, from: step, target: at === 'start' ? step - 1 : step, skip: [], pause: true });
    // The step stopped in, replayed from its snapshot and run again traced (trace.ts); the run then goes on.
    // It starts a snapshot earlier where it can, so the replay shows the gradient norms before the step as well.
    if (kind === 'traceStep') return this.plan({ kind, from: step, target: step, skip: [], pause: false, restoreBefore: step - this.ring.every });
    if (kind === 'reverseContinue') {
      const t = [...(opts.lastStops ?? [])].reverse().find((s) => s < step || (s === step && at !== 'start'));
      if (t === undefined) return 'No anomaly or breakpoint stop before this point to go back to.';
      return this.plan({ kind, from: step, target: t, skip: [], pause: true });
    }
    const batch = this.drawn.get(step);
    if (!batch) return `Which batch step ${step} trained on is not known (no training DataLoader).`;
    return this.plan({ kind, from: step, target: step, skip: [batch], pause: false });
  }

  /** Unattended recovery: back to the start of `first`, leaving out the batches of steps first..last. */
  recover(anomaly: AnomalyKind, first: number, last: number): string | undefined {
    const skip: BatchPosition[] = [];
    for (let s = first; s <= last; s++) {
      const b = this.drawn.get(s);
      if (b) skip.push(b);
    }
    if (skip.length === 0) return `Which batches steps ${first}-${last} trained on is not known.`;
    return this.plan({ kind: 'recover', from: last, target: first, skip, pause: false, anomaly });
  }

  private plan(p: TravelPlan): string | undefined {
    if (p.target < 0) return 'This is the first step: there is no step before it.';
    const earlier = p.restoreBefore !== undefined ? this.ring.atOrBefore(p.restoreBefore) : undefined;
    const snap = earlier && this.sameEpoch(earlier) === undefined ? earlier : this.ring.atOrBefore(p.target);
    if (!snap) {
      const oldest = this.ring.oldest;
      return oldest === undefined
        ? 'No snapshot has been taken yet (the first is before step 1).'
        : `No snapshot at or before step ${p.target}: the oldest kept is before step ${oldest} (keep more with snapshots.depth).`;
    }
    const otherEpoch = this.sameEpoch(snap);
    if (otherEpoch !== undefined) {
      return `Going back stays within this epoch (${otherEpoch.now}): the loop's own epoch counter cannot go back, and step ${p.target}'s snapshot is from epoch ${otherEpoch.then}.`;
    }
    this.pending = { ...p, snapshotStep: snap.step };
    return undefined;
  }

  /** Undefined when `snap` was taken in the training loader's current epoch, else the two epochs. */
  private sameEpoch(snap: TrainingSnapshot): { then: number; now: number } | undefined {
    const train = this.loop.trainLoader();
    const then = snap.loaders.find((l) => l.loader === train)?.cursor.live;
    const now = train?.cursor().live;
    return then && now && then.epoch !== now.epoch ? { then: then.epoch, now: now.epoch } : undefined;
  }

  private restore(plan: TravelPlan): number {
    const snap = this.ring.atOrBefore(plan.snapshotStep ?? plan.target);
    if (!snap) throw new Error(`time travel: the snapshot for step ${plan.target} is gone`);
    restoreSnapshot(this.loop.parts, snap);
    this.ring.dropAfter(snap.step);
    for (const b of plan.skip) this.skipped.add(key(b));
    this.loop.setNextStep(snap.step);
    this.arriving = plan;
    const what = plan.kind === 'recover' ? `Recovered from ${plan.anomaly ?? 'an anomaly'} at step ${plan.from}: ` : '';
    const skipped = plan.skip.length ? `, leaving out ${plan.skip.length === 1 ? 'its batch' : `${plan.skip.length} batches`}` : '';
    const lr = plan.lrFactor !== undefined ? `, learning rate x${plan.lrFactor}` : '';
    this.note({
      kind: plan.kind,
      fromStep: plan.from,
      toStep: plan.target,
      snapshotStep: snap.step,
      ...(plan.skip.length ? { skipped: plan.skip } : {}),
      ...(plan.lrFactor !== undefined ? { lrFactor: plan.lrFactor } : {}),
      ...(plan.anomaly ? { anomaly: plan.anomaly } : {}),
      message: `${what}back to step ${plan.target}${skipped}${lr} (from the snapshot before step ${snap.step}, replayed).`,
    });
    return snap.step;
  }

  /** Moves the training loader past batches left out, before the loop draws its next one. */
  private skipAhead(): void {
    const loader = this.loop.trainLoader();
    if (!loader || this.skipped.size === 0) return;
    for (let guard = 0; guard < this.skipped.size && this.skipped.has(key(loader.peekNext())); guard++) loader.skipNext();
  }

  /** Takes the snapshot before `step`, at the end of the step before it. */
  private snapshot(step: number): void {
    // Before a script's loop has shown its model and optimizer there is nothing to keep yet.
    const parts = this.loop.parts;
    if (parts.models().length === 0 || parts.optimizers().length === 0) return;
    const t0 = performance.now();
    this.ring.add((reuse) => takeSnapshot(this.loop.parts, step, reuse));
    this.cost.ms += performance.now() - t0;
    this.cost.taken += 1;
    const oldest = this.ring.oldest ?? step;
    for (const s of this.drawn.keys()) if (s < oldest) this.drawn.delete(s);
  }

  private scaleLr(f: number): void {
    for (const g of this.loop.paramGroups()) g.lr *= f;
  }

  private lr(): number | undefined {
    return this.loop.paramGroups()[0]?.lr;
  }

  private note(event: Omit<TimeTravelEvent, 'snapshots'>): void {
    const r = this.ring;
    this.emit({ type: 'timeTravel', event: { ...event, snapshots: { count: r.size, bytes: r.bytes, every: r.every, depth: r.depth } } });
  }
}
