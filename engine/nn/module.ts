// nn.Module: the base of every layer and model. As in PyTorch, instances are callable (`model(x)`), parameters
// and sub-modules assigned as properties are registered in assignment order, and every module remembers the
// user's line that constructed it. Calls go through one place (callModule) so the trainer can observe each
// layer's inputs and outputs and stop inside a layer's forward pass.
import type { SourceLocation } from '../../protocol/messages';
import { popLayer, pushLayer, type LayerContext } from '../context';
import { Tensor } from '../tensor';
import { captureCallSite } from './callsite';
import { Parameter } from './parameter';
import { toDevice, type DeviceLike } from '../device';

/** Observes every module call (used by the trainer for statistics, breakpoints and stepping). */
export interface ModuleCallObserver {
  before?(module: AnyModule, args: readonly unknown[]): void;
  after?(module: AnyModule, args: readonly unknown[], output: unknown): void;
}

let observer: ModuleCallObserver | null = null;

/**
 * Any module, whatever its forward signature. `any[]` (not `unknown[]`) because a call signature taking a Tensor
 * is not assignable to one taking unknown under strict function types, and containers must hold every layer.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], unknown>;

export function setModuleCallObserver(obs: ModuleCallObserver | null): void {
  observer = obs;
}

// Instances are functions whose prototype is the class's prototype; the interface merge gives them a call
// signature in TypeScript.
export interface Module<A extends unknown[] = [Tensor], R = Tensor> {
  (...args: A): R;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Module<A extends unknown[] = [Tensor], R = Tensor> {
  declare training: boolean;
  /** Where the user constructed this module. */
  declare source: SourceLocation | undefined;
  /** Module path from the root ("" for the root, "0", "encoder.fc1"), set by assignModuleIds. */
  declare _id: string;

  constructor() {
    const self = ((...args: A): R => callModule(self as unknown as Module<A, R>, args)) as unknown as Module<A, R>;
    // Arrow functions own `name` and `length`; drop them so subclasses may use those field names freely.
    delete (self as unknown as { name?: string }).name;
    delete (self as unknown as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    Object.defineProperties(self, {
      training: { value: true, writable: true, enumerable: false },
      source: { value: captureCallSite(), writable: true, enumerable: false },
      _id: { value: '', writable: true, enumerable: false },
    });
    return self;
  }

  abstract forward(...args: A): R;

  /** Extra text in the module's name, e.g. "784, 256" in Linear(784, 256). */
  extra_repr(): string {
    return '';
  }

  /** The class name, e.g. "Linear". */
  get typeName(): string {
    return this.constructor.name;
  }

  displayName(): string {
    return `${this.typeName}(${this.extra_repr()})`;
  }

  layerContext(): LayerContext {
    return { id: this._id, name: this.displayName(), source: this.source };
  }

  // ---- registration -----------------------------------------------------------------------
  /** Direct children with their attribute names (plain arrays of modules are registered as name.i). */
  named_children(): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [];
    for (const key of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      if (v instanceof Module) out.push([key, v as AnyModule]);
      else if (Array.isArray(v)) v.forEach((m, i) => m instanceof Module && out.push([`${key}.${i}`, m as AnyModule]));
    }
    return out;
  }

  children(): Array<AnyModule> {
    return this.named_children().map(([, m]) => m);
  }

  /** Parameters owned directly by this module (not its children). */
  named_own_parameters(): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const key of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      if (v instanceof Parameter) out.push([key, v]);
    }
    return out;
  }

  named_parameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    for (const [name, m] of this.named_modules(prefix)) {
      for (const [pn, p] of m.named_own_parameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([name ? `${name}.${pn}` : pn, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.named_parameters().map(([, p]) => p);
  }

  /** Non-parameter state (BatchNorm running statistics), registered by register_buffer. */
  named_buffers(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [name, m] of this.named_modules(prefix)) {
      for (const key of m._bufferNames()) {
        const t = (m as unknown as Record<string, unknown>)[key];
        if (t instanceof Tensor) out.push([name ? `${name}.${key}` : key, t]);
      }
    }
    return out;
  }

  register_buffer(name: string, t: Tensor): void {
    (this as unknown as Record<string, unknown>)[name] = t;
    const names = this._bufferNames();
    if (!names.includes(name)) names.push(name);
  }

  _bufferNames(): string[] {
    const self = this as unknown as { __buffers?: string[] };
    if (!self.__buffers) Object.defineProperty(this, '__buffers', { value: [], enumerable: false });
    return self.__buffers as string[];
  }

  named_modules(prefix = ''): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [[prefix, this as unknown as AnyModule]];
    for (const [name, child] of this.named_children()) {
      out.push(...child.named_modules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  modules(): Array<AnyModule> {
    return this.named_modules().map(([, m]) => m);
  }

  // ---- modes and state ----------------------------------------------------------------------
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zero_grad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameters and buffers by PyTorch's key names (fc1.weight, features.1.running_mean), module by module as torch orders them. */
  state_dict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const seen = new Set<Tensor>();
    for (const [name, m] of this.named_modules()) {
      const key = (k: string): string => (name ? `${name}.${k}` : k);
      for (const [pn, p] of m.named_own_parameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out[key(pn)] = p;
      }
      for (const bn of m._bufferNames()) {
        const t = (m as unknown as Record<string, unknown>)[bn];
        if (t instanceof Tensor) out[key(bn)] = t;
      }
    }
    return out;
  }

  /**
   * Copies `state` (what state_dict() or torch.load returned) into this module's parameters and buffers. With strict
   * (the default) every key must match, as in PyTorch; a shape mismatch is always an error. All problems are
   * reported at once, naming the keys.
   */
  load_state_dict(state: Record<string, Tensor | ArrayLike<number>>, strict = true): { missing_keys: string[]; unexpected_keys: string[] } {
    if (state === null || typeof state !== 'object') throw new TypeError(`load_state_dict(): expected a state dict (an object of tensors), got ${String(state)}`);
    const own = this.state_dict();
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    const missing = Object.keys(own).filter((k) => !(k in state));
    const problems: string[] = [];
    for (const [name, target] of Object.entries(own)) {
      if (!(name in state)) continue;
      const value = state[name];
      const shape = value instanceof Tensor ? value.shape : [value.length];
      const fits = value instanceof Tensor ? shape.length === target.shape.length && shape.every((d, i) => d === target.shape[i]) : value.length === target.data.length;
      if (!fits) {
        problems.push(`size mismatch for ${name}: copying a param with shape [${shape.join(', ')}] from checkpoint, the shape in current model is [${target.shape.join(', ')}]`);
      }
    }
    if (strict && unexpected.length) problems.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}`);
    if (strict && missing.length) problems.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}`);
    if (problems.length) throw new Error(`Error(s) in loading state_dict for ${this.typeName}:\n\t${problems.join('\n\t')}`);
    for (const [name, target] of Object.entries(own)) if (name in state) target.copy_(state[name]);
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  /** This module: Gradlens computes on the CPU, so .to('cpu') is a no-op and any other device throws. */
  to(device: DeviceLike): this {
    toDevice(device, `${this.typeName}.to()`);
    return this;
  }

  cpu(): this {
    return this;
  }

  /** This module (already float32). */
  float(): this {
    return this;
  }

  /** Gradlens has no float64: a clear error instead of a silent float32 run. */
  double(): this {
    throw new Error(`${this.typeName}.double(): Gradlens computes in float32 only; leave .double() out`);
  }

  apply(fn: (m: AnyModule) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }
}

/** Gives every module its path as id (like named_modules), so telemetry and breakpoints can name layers. */
export function assignModuleIds(root: AnyModule): void {
  for (const [name, m] of root.named_modules()) m._id = name;
}

function callModule<A extends unknown[], R>(m: Module<A, R>, args: A): R {
  const any = m as unknown as AnyModule;
  pushLayer(any.layerContext());
  let out: R;
  try {
    observer?.before?.(any, args);
    out = m.forward(...args);
  } finally {
    popLayer();
  }
  observer?.after?.(any, args, out);
  return out;
}
