// torch.optim.Optimizer: parameter groups with their hyperparameters, per-parameter state, step / zero_grad and
// state_dict. Subclasses supply one thing: how a single parameter is updated from its gradient. The base class
// also records ||Δp|| of every update (the telemetry's update-to-weight ratio) and takes cheap in-memory
// snapshots of the state for time travel.
import type { OptimizerLike } from '../definition';
import type { Parameter } from '../nn/parameter';
import { trainingHooks } from '../hooks';
import { Tensor } from '../tensor';
import { ValueError } from './errors';
import { copyHyper, copyState, hyperToJson, stateFromJson, stateToJson } from './state';
import { sumSquaredDiff } from '../monitor/tensor-stats';
import type {
  BaseHyper,
  JsonHyper,
  OptimizerSnapshot,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInit,
  ParamsArg,
  ParamState,
  SnapshotOptions,
} from './types';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

/** ||a - b||₂ accumulated in float64: the size of the update just applied (a = after, b = before). */
function diffNorm(after: Float32Array, before: Float32Array): number {
  return Math.sqrt(sumSquaredDiff(after, before));
}

export abstract class Optimizer<H extends BaseHyper = BaseHyper, S extends ParamState = ParamState> implements OptimizerLike {
  /** The constructor's options with their defaults; undefined marks a required value (SGD's lr). */
  readonly defaults: Readonly<Partial<H>>;
  param_groups: Array<ParamGroup & H> = [];
  state = new Map<Parameter, S>();
  private updateNorms = new Map<Parameter, number>();
  /**
   * Whether step() records each parameter's update norm (lastUpdateNorm). It costs a copy and a pass over every
   * parameter, so it is off by default and the trainer turns it on only for the steps whose statistics it reports.
   */
  trackUpdateNorms = false;
  // Scratch buffers reused across parameters and steps: the values before an update, and a negated gradient.
  private scratchBefore = new Float32Array(0);
  private scratchGrad = new Float32Array(0);

  protected constructor(params: ParamsArg<H>, defaults: Partial<H>) {
    this.defaults = defaults;
    this.validate(defaults);
    if (params instanceof Tensor || params === null || typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describe(params)}`);
    }
    const list: unknown[] = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError('optimizer got an empty parameter list');
    const groups = (list[0] instanceof Tensor ? [{ params: list }] : list) as Array<ParamGroupInit<H>>;
    for (const g of groups) this.add_param_group(g);
    trainingHooks()?.optimizerCreated?.(this);
  }

  /** Checks hyperparameter values (the defaults and every group), throwing PyTorch's ValueError messages. */
  protected abstract validate(h: Partial<H>): void;

  /**
   * Updates one parameter in place from `grad` (already negated when the group maximizes) and returns its state.
   * `state` is undefined before the parameter's first update.
   */
  protected abstract update(p: Parameter, grad: Float32Array, group: ParamGroup & H, state: S | undefined): S;

  add_param_group(init: ParamGroupInit<H>): void {
    if (init === null || typeof init !== 'object' || init instanceof Tensor || Array.isArray(init)) {
      throw new TypeError('param group must be a dict');
    }
    const raw = init.params;
    if (raw instanceof Set) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.',
      );
    }
    const params = (raw instanceof Tensor ? [raw] : [...(raw as Iterable<unknown>)]) as Parameter[];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${describe(p)}`);
      if (!p.is_leaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const group: Record<string, unknown> = { ...init, params };
    for (const [k, v] of Object.entries(this.defaults)) {
      if (group[k] !== undefined) continue;
      if (v === undefined) throw new ValueError(`parameter group didn't specify a value of required optimization parameter ${k}`);
      group[k] = copyHyper(v);
    }
    this.validate(group as Partial<H>);
    if (new Set(params).size !== params.length) {
      // PyTorch warns and then updates such a parameter twice per step; so do we.
      console.warn('optimizer contains a parameter group with duplicate parameters; in future, this will cause an error');
    }
    const seen = new Set(this.param_groups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new ValueError('some parameters appear in more than one parameter group');
    this.param_groups.push(group as ParamGroup & H);
  }

  /**
   * One optimization step over every parameter that has a gradient (parameters whose grad is null are skipped,
   * as in PyTorch). The optional closure re-evaluates the model and returns the loss, which step returns.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? closure() : undefined;
    // A script's training step ends here (engine/hooks.ts): the debugger may stop before the weights change.
    const hooks = trainingHooks();
    hooks?.beforeOptimizerStep?.(this);
    this.applyStep();
    hooks?.afterOptimizerStep?.(this);
    return loss;
  }

  private applyStep(): void {
    // Norms from an earlier step must not pass for this one's.
    if (!this.trackUpdateNorms) this.updateNorms.clear();
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (!p._grad) continue;
        const n = p.data.length;
        let grad = p._grad.data;
        if (grad.length !== n) throw new Error(`optimizer: a gradient has ${grad.length} values but its parameter has ${n}`);
        if (group.maximize === true) {
          const neg = this.scratch('scratchGrad', n);
          for (let i = 0; i < n; i++) neg[i] = -grad[i];
          grad = neg;
        }
        if (!this.trackUpdateNorms) {
          this.state.set(p, this.update(p, grad, group, this.state.get(p)));
          continue;
        }
        const before = this.scratch('scratchBefore', n);
        before.set(p.data);
        this.state.set(p, this.update(p, grad, group, this.state.get(p)));
        this.updateNorms.set(p, diffNorm(p.data, before));
      }
    }
  }

  /** Clears the gradients: to null by default (PyTorch 2's default; 1.13 zeroed them unless set_to_none=True). */
  zero_grad(set_to_none = true): void {
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (!p._grad) continue;
        if (set_to_none) p.grad = null;
        else p._grad.zero_();
      }
    }
  }

  /** ||Δp||₂ of the parameter's last update, or undefined before its first one. */
  lastUpdateNorm(p: Parameter): number | undefined {
    return this.updateNorms.get(p);
  }

  /** PyTorch's repr: the class and each group's hyperparameters in key order (shown by the debugger). */
  toString(): string {
    let out = `${this.constructor.name} (`;
    this.param_groups.forEach((g, i) => {
      out += `\nParameter Group ${i}\n`;
      for (const k of Object.keys(g).sort()) {
        if (k === 'params') continue;
        const v = g[k];
        out += `    ${k}: ${Array.isArray(v) ? `(${v.join(', ')})` : String(v)}\n`;
      }
    });
    return `${out})`;
  }

  /** Every parameter once, in group order (the numbering used by state_dict). */
  protected allParams(): Parameter[] {
    return [...new Set(this.param_groups.flatMap((g) => g.params))];
  }

  state_dict(): OptimizerStateDict {
    const index = new Map<Parameter, number>();
    for (const p of this.allParams()) index.set(p, index.size);
    const param_groups = this.param_groups.map((g) => {
      const out: Record<string, JsonHyper> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        const j = hyperToJson(v);
        if (j !== undefined) out[k] = j;
      }
      return { ...out, params: g.params.map((p) => index.get(p) as number) };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[String(i)] = stateToJson(s);
    }
    return { state, param_groups };
  }

  /** Loads a state_dict taken from an optimizer of the same shape (PyTorch's checks and messages). */
  load_state_dict(sd: OptimizerStateDict): void {
    const saved = sd.param_groups;
    if (saved.length !== this.param_groups.length) throw new ValueError('loaded state dict has a different number of parameter groups');
    if (saved.some((g, i) => g.params.length !== this.param_groups[i].params.length)) {
      throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const byIndex = new Map<number, Parameter>();
    saved.forEach((g, gi) => g.params.forEach((id, k) => byIndex.set(id, this.param_groups[gi].params[k])));
    const state = new Map<Parameter, S>();
    for (const [key, value] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (p) state.set(p, stateFromJson(value, p.data.length, `parameter ${key}`) as S);
    }
    this.state = state;
    saved.forEach((g, gi) => {
      const { params: _ids, ...hyper } = g;
      this.setHyper(this.param_groups[gi], hyper);
    });
  }

  /**
   * A copy of the optimizer's state (and the parameters with { params: true }) that restore() brings back.
   * Only typed-array copies, no serialisation: cheap enough to take every step.
   */
  snapshot(opts: SnapshotOptions = {}): OptimizerSnapshot {
    const reuse = opts.reuse;
    const groups = this.param_groups.map((g) => {
      const h: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') h[k] = copyHyper(v);
      return h;
    });
    const state = new Map<Parameter, ParamState>();
    for (const [p, s] of this.state) state.set(p, copyState(s, reuse?.state.get(p)));
    let params: Float32Array[] | null = null;
    if (opts.params) {
      params = this.allParams().map((p, i) => {
        const old = reuse?.params?.[i];
        if (old && old.length === p.data.length) {
          old.set(p.data);
          return old;
        }
        return p.data.slice();
      });
    }
    return { groups, state, updateNorms: new Map(this.updateNorms), params };
  }

  /** Puts back a snapshot of this optimizer; the snapshot stays valid and can be restored again. */
  restore(snap: OptimizerSnapshot): void {
    if (snap.groups.length !== this.param_groups.length) {
      throw new Error(`restore: the snapshot has ${snap.groups.length} parameter groups, the optimizer has ${this.param_groups.length}`);
    }
    const all = this.allParams();
    if (snap.params && (snap.params.length !== all.length || snap.params.some((a, i) => a.length !== all[i].data.length))) {
      throw new Error('restore: the snapshot was taken from different parameters');
    }
    this.param_groups.forEach((g, i) => this.setHyper(g, snap.groups[i]));
    const state = new Map<Parameter, S>();
    for (const [p, s] of snap.state) state.set(p, copyState(s, this.state.get(p)) as S);
    this.state = state;
    this.updateNorms = new Map(snap.updateNorms);
    if (snap.params) all.forEach((p, i) => p.data.set((snap.params as Float32Array[])[i]));
  }

  /** Replaces a group's hyperparameters in place (callers may hold the group object), keeping its params. */
  private setHyper(group: ParamGroup, hyper: Record<string, unknown>): void {
    const g = group as Record<string, unknown>;
    for (const k of Object.keys(g)) if (k !== 'params' && !(k in hyper)) delete g[k];
    for (const [k, v] of Object.entries(hyper)) if (k !== 'params') g[k] = copyHyper(v);
  }

  private scratch(which: 'scratchBefore' | 'scratchGrad', n: number): Float32Array {
    if (this[which].length < n) this[which] = new Float32Array(n);
    return this[which].subarray(0, n);
  }
}
