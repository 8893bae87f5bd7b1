// One snapshot of everything a training step changes, taken between two steps: the model's parameters and buffers
// (BatchNorm's running statistics), the optimizer's state and hyperparameters, the LR scheduler, the random
// streams (dropout draws from the default generator), every DataLoader's cursor and the detectors' state. Putting
// one back and running the same steps again gives the same weights, losses and anomalies bit for bit
// (test/unit/timetravel-snapshot.test.ts). Only typed-array copies: a ring of them reuses its oldest's arrays.
import type { LoaderCursor } from '../../data/loader';
import type { OptimizerLike, SchedulerLike } from '../../definition';
import type { OptimizerSnapshot, SnapshotOptions } from '../../optim/types';
import { defaultGenerator, type Generator, type GeneratorState } from '../../random';
import type { Tensor } from '../../tensor';
import { deepCopy, restoreFields } from './deep-copy';

/** What a snapshot needs of a model (every nn.Module has it). */
export interface SnapshotModel {
  parameters(): Tensor[];
  named_buffers(): Array<[string, Tensor]>;
}

/** What a snapshot needs of a loader (engine/data/loader.ts's DataLoader). */
export interface CursorLoader {
  cursor(): LoaderCursor;
  restoreCursor(c: LoaderCursor): void;
}

/** The optimizers of engine/optim have cheap in-memory snapshots; a user's own optimizer may not. */
interface SnapshottableOptimizer {
  snapshot(opts?: SnapshotOptions): OptimizerSnapshot;
  restore(snap: OptimizerSnapshot): void;
}

/** The state a training loop lends to time travel; read at each snapshot, since a script builds it as it goes. */
export interface TrainingParts {
  models(): readonly SnapshotModel[];
  optimizers(): readonly OptimizerLike[];
  schedulers(): readonly SchedulerLike[];
  /** Every loader the run iterates. */
  loaders(): readonly CursorLoader[];
  /** The detectors (a Monitor): restored so a replayed step is judged as the original was. Its thresholds stay. */
  monitor?: object;
  /** Random streams besides the default generator. */
  generators?: readonly Generator[];
  /** The loop's own counters that must go back with the state (its epoch and the epoch's sums). */
  counters?: { save(): unknown; restore(saved: unknown): void };
}

export interface TrainingSnapshot {
  /** The step the loop takes next once this snapshot is back. */
  step: number;
  /** Parameters, then buffers, in the model's order. */
  tensors: Float32Array[];
  optimizers: Array<{ exact: OptimizerSnapshot } | { groups: unknown }>;
  schedulers: unknown[];
  loaders: Array<{ loader: CursorLoader; cursor: LoaderCursor }>;
  rng: GeneratorState[];
  monitor: unknown;
  counters: unknown;
  /** Bytes of typed arrays this snapshot holds (what the ring's memory cost adds up). */
  bytes: number;
}

function modelTensors(models: readonly SnapshotModel[]): Tensor[] {
  const seen = new Set<Tensor>();
  const out: Tensor[] = [];
  for (const m of models) {
    for (const t of [...m.parameters(), ...m.named_buffers().map(([, b]) => b)]) {
      if (seen.has(t)) continue;
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

function isSnapshottable(o: OptimizerLike): o is OptimizerLike & SnapshottableOptimizer {
  const s = o as Partial<SnapshottableOptimizer>;
  return typeof s.snapshot === 'function' && typeof s.restore === 'function';
}

/** Copies the training state; `reuse` is a snapshot no longer needed whose arrays are overwritten. */
export function takeSnapshot(parts: TrainingParts, step: number, reuse?: TrainingSnapshot): TrainingSnapshot {
  const tensors = modelTensors(parts.models()).map((t, i) => {
    const old = reuse?.tensors[i];
    if (old && old.length === t.data.length) {
      old.set(t.data);
      return old;
    }
    return t.data.slice();
  });
  const opts = parts.optimizers();
  const optimizers = opts.map((opt, i): TrainingSnapshot['optimizers'][number] => {
    if (!isSnapshottable(opt)) return { groups: deepCopy(opt.param_groups.map(({ params: _p, ...h }) => h)) };
    const old = reuse?.optimizers[i];
    return { exact: opt.snapshot({ reuse: old && 'exact' in old ? old.exact : undefined }) };
  });
  const gens = [defaultGenerator, ...(parts.generators ?? [])];
  const snap: TrainingSnapshot = {
    step,
    tensors,
    optimizers,
    // A scheduler points at its optimizer: the copy keeps pointing at the live one.
    schedulers: parts.schedulers().map((s) => deepCopy(s, sharedWith(s, opts))),
    loaders: parts.loaders().map((loader) => ({ loader, cursor: loader.cursor() })),
    rng: gens.map((g) => g.getState()),
    monitor: parts.monitor ? deepCopy(parts.monitor) : undefined,
    counters: parts.counters ? deepCopy(parts.counters.save()) : undefined,
    bytes: 0,
  };
  snap.bytes = snapshotBytes(snap);
  return snap;
}

/** Puts a snapshot back in place (the same arrays, modules and groups the loop holds); the snapshot stays valid. */
export function restoreSnapshot(parts: TrainingParts, snap: TrainingSnapshot): void {
  const tensors = modelTensors(parts.models());
  if (tensors.length !== snap.tensors.length || tensors.some((t, i) => t.data.length !== snap.tensors[i].length)) {
    throw new Error(`time travel: the model's parameters changed since the snapshot of step ${snap.step}`);
  }
  tensors.forEach((t, i) => t.data.set(snap.tensors[i]));
  const opts = parts.optimizers();
  opts.forEach((opt, i) => {
    const saved = snap.optimizers[i];
    if (!saved) return;
    if ('exact' in saved && isSnapshottable(opt)) opt.restore(saved.exact);
    else if ('groups' in saved) {
      const groups = deepCopy(saved.groups) as Array<Record<string, unknown>>;
      opt.param_groups.forEach((g, k) => Object.assign(g, groups[k]));
    }
  });
  parts.schedulers().forEach((s, i) => {
    const saved = snap.schedulers[i];
    if (saved) restoreFields(s, saved as object, ['optimizer'], sharedWith(s, opts));
  });
  for (const { loader, cursor } of snap.loaders) loader.restoreCursor(cursor);
  const gens = [defaultGenerator, ...(parts.generators ?? [])];
  gens.forEach((g, i) => snap.rng[i] && g.setState(snap.rng[i]));
  if (parts.monitor && snap.monitor) restoreFields(parts.monitor, snap.monitor as object, ['thresholds']);
  if (parts.counters && snap.counters !== undefined) parts.counters.restore(deepCopy(snap.counters));
}

/** What a scheduler's copy keeps pointing at: the optimizers (its own, even one the loop has not adopted). */
function sharedWith(scheduler: SchedulerLike, optimizers: readonly OptimizerLike[]): object[] {
  const own = (scheduler as { optimizer?: unknown }).optimizer;
  return typeof own === 'object' && own !== null ? [...optimizers, own] : [...optimizers];
}

function snapshotBytes(s: TrainingSnapshot): number {
  let bytes = 0;
  for (const a of s.tensors) bytes += a.byteLength;
  for (const o of s.optimizers) {
    if (!('exact' in o)) continue;
    for (const st of o.exact.state.values()) for (const v of Object.values(st)) if (v instanceof Float32Array) bytes += v.byteLength;
  }
  return bytes;
}
