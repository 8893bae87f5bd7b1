// Shapes shared by every optimizer: parameter groups, per-parameter state, the JSON state_dict and the in-memory
// snapshot used by the time-travel ring buffer.
import type { Parameter } from '../nn/parameter';
import type { Tensor } from '../tensor';

/** Hyperparameters every optimizer has. */
export interface BaseHyper {
  lr: number;
}

/**
 * One parameter group, as PyTorch's dict: the parameters and the hyperparameters that apply to them. Schedulers
 * add their own keys (initial_lr, max_lr, ...), hence the open index signature.
 */
export interface ParamGroup {
  params: Parameter[];
  lr: number;
  [option: string]: unknown;
}

/** A group as the user passes it to a constructor: any subset of the hyperparameters, and its parameters. */
export type ParamGroupInit<H> = { params: Iterable<Tensor> | Tensor } & Partial<H> & Record<string, unknown>;

/** The first constructor argument: parameters (model.parameters()) or a list of groups with their own options. */
export type ParamsArg<H> = Iterable<Tensor> | ReadonlyArray<ParamGroupInit<H>>;

/** Per-parameter state: step counts and buffers the size of the parameter (null where PyTorch stores None). */
export type StateValue = number | Float32Array | null;
/** Optional keys (Adam's max_exp_avg_sq without amsgrad) are left out rather than stored as undefined. */
export type ParamState = Record<string, StateValue | undefined>;

/** JSON values allowed in a serialised group. */
export type JsonHyper = number | boolean | string | null | number[];

/**
 * optimizer.state_dict(): JSON-serialisable like PyTorch's. Parameters are referred to by their index across the
 * groups, in order; buffers are plain number arrays (float32 values survive the round trip through JSON exactly).
 */
export interface OptimizerStateDict {
  state: Record<string, Record<string, number | null | number[]>>;
  param_groups: Array<Record<string, JsonHyper> & { params: number[] }>;
}

/** An in-memory copy of the optimizer (and optionally the parameters) that restore() puts back. */
export interface OptimizerSnapshot {
  /** Hyperparameters of each group (arrays copied), without the parameters. */
  groups: Array<Record<string, unknown>>;
  state: Map<Parameter, ParamState>;
  updateNorms: Map<Parameter, number>;
  /** Parameter values in param_groups order, when taken with { params: true }. */
  params: Float32Array[] | null;
}

export interface SnapshotOptions {
  /** Also copy the parameter values (default false: the model's weights are usually snapshotted by the caller). */
  params?: boolean;
  /** A previous snapshot of this optimizer whose arrays are overwritten instead of allocating new ones. */
  reuse?: OptimizerSnapshot;
}
