// What a run session lends to time travel: it learns of schedulers and loaders through the engine's hooks (a
// script creates them as it goes) and hands over its models, optimizers, detectors and step counter. Kept here
// so the session adds a few lines, not the bookkeeping.
import type { BatchPosition } from '../../../protocol/messages';
import type { OptimizerLike, SchedulerLike } from '../../definition';
import type { CursorLoader, SnapshotModel } from './snapshot';
import type { TravelLoop } from './time-travel';

type TrainLoader = CursorLoader & { peekNext(): BatchPosition; skipNext(): BatchPosition };

/** What the session gives access to (read at each snapshot and restore). */
export interface LoopAccess {
  models(): readonly SnapshotModel[];
  optimizers(): readonly object[];
  /** The detectors (a Monitor). */
  monitor: object;
  /** The loader the current batch came from. */
  trainLoader(): object | undefined;
  /** After a restore at the end of a step: the next step the loop takes is `step`. */
  setNextStep(step: number): void;
  /** The loop's epoch bookkeeping, which goes back with a snapshot. */
  counters?: { save(): unknown; restore(saved: unknown): void };
}

function isTrainLoader(o: unknown): o is TrainLoader {
  const l = o as Partial<TrainLoader> | undefined;
  return typeof l?.cursor === 'function' && typeof l.restoreCursor === 'function' && typeof l.skipNext === 'function' && typeof l.peekNext === 'function';
}

function isOptimizer(o: object): o is OptimizerLike {
  const x = o as Partial<OptimizerLike>;
  return Array.isArray(x.param_groups) && typeof x.step === 'function';
}

export class LentState {
  private readonly schedulers: SchedulerLike[] = [];
  private readonly loaders: TrainLoader[] = [];

  addScheduler(s: object): void {
    const x = s as Partial<SchedulerLike>;
    if (typeof x.step === 'function' && !this.schedulers.includes(s as SchedulerLike)) this.schedulers.push(s as SchedulerLike);
  }

  /** A loader that fed a training step (one whose cursor a snapshot keeps). */
  get trainLoaders(): readonly object[] {
    return this.loaders;
  }

  addLoader(l: object): void {
    if (isTrainLoader(l) && !this.loaders.includes(l)) this.loaders.push(l);
  }

  loop(access: LoopAccess): TravelLoop {
    const optimizers = (): OptimizerLike[] => access.optimizers().filter(isOptimizer);
    return {
      parts: {
        models: access.models,
        optimizers,
        schedulers: () => this.schedulers,
        loaders: () => this.loaders,
        monitor: access.monitor,
        counters: access.counters,
      },
      trainLoader: () => {
        const l = access.trainLoader();
        return isTrainLoader(l) ? l : undefined;
      },
      setNextStep: access.setNextStep,
      paramGroups: () => optimizers().flatMap((o) => o.param_groups),
    };
  }
}
