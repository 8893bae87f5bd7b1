// Copying and (de)serialising per-parameter state and group hyperparameters. Kept apart from the Optimizer
// class so snapshot/restore and state_dict/load_state_dict share one definition of "a copy".
import { residentCopy } from '../storage';
import type { JsonHyper, ParamState } from './types';

/**
 * A copy of one parameter's state. When `into` holds a buffer of the same length under the same key, the values
 * are written into it instead of allocating (the ring buffer reuses its oldest snapshot).
 */
export function copyState(src: ParamState, into?: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(src)) {
    if (v instanceof Float32Array) {
      const old = into?.[k];
      if (old instanceof Float32Array && old.length === v.length) {
        old.set(v);
        out[k] = old;
      } else {
        out[k] = v.slice();
      }
    } else if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}

/** A hyperparameter value copied so that later edits of either side do not leak (betas is an array). */
export function copyHyper<T>(v: T): T {
  return (Array.isArray(v) ? v.slice() : v) as T;
}

export function stateToJson(s: ParamState): Record<string, number | null | number[]> {
  const out: Record<string, number | null | number[]> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    out[k] = v instanceof Float32Array ? Array.from(v) : v;
  }
  return out;
}

export function stateFromJson(saved: Record<string, number | null | number[]>, numel: number, where: string): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(saved)) {
    if (Array.isArray(v)) {
      if (v.length !== numel) {
        throw new Error(`load_state_dict: state '${k}' of ${where} has ${v.length} values but the parameter has ${numel}`);
      }
      out[k] = residentCopy(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** The JSON form of a hyperparameter, or undefined for values JSON cannot carry (they stay out of state_dict). */
export function hyperToJson(v: unknown): JsonHyper | undefined {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return (v as number[]).slice();
  return undefined;
}
