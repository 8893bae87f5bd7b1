// One clear error for a PyTorch name Gradlens lacks. A ported script that calls torch.fft(...), new nn.Transformer(),
// F.grid_sample(...), new optim.LBFGS(...) or x.cumsum(0) would otherwise fail with "... is not a function" (or run
// on with undefined); instead it gets "torch.fft is not in Gradlens yet (see docs/porting-from-pytorch.md)", thrown
// at the user's line (the engine reports the first frame in the user's file). A name PyTorch does not have either
// is a typo: the error says so and names the nearest existing one.
//
// Cost: nothing on the paths that work. A namespace's own names are own properties and are found before the
// prototype; only a name it lacks reaches the guard, which is put in as the namespace object's prototype. Tensor,
// Module and Optimizer get a throwing stub for each PyTorch method they lack, on their prototypes (a method they
// have, or a subclass's, comes first), so no Proxy sits on any tensor.
import { PYTORCH_METHODS, PYTORCH_NAMESPACES } from './pytorch-names';

const DOCS = 'see docs/porting-from-pytorch.md';

/** Names that code other than the user's looks up on any object to find out what it is: never an error. */
const PROBES = new Set([
  'then', 'catch', 'toJSON', 'constructor', 'valueOf', 'toString', 'toLocaleString', 'inspect', 'default',
  'length', 'name', 'prototype', 'nodeType', 'tagName', 'asymmetricMatch', 'hasOwnProperty', 'isPrototypeOf',
]);
/** Method names of JavaScript's own protocols that PyTorch also uses (Tensor.values()): no stub, or JS code would trip. */
const NO_STUB = new Set(['values', 'keys', 'entries', 'forEach', 'map', 'apply', 'call', 'bind', 'forward', 'extra_repr', 'get_extra_state', 'set_extra_state']);

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** The nearest of `names` to `name`, if it is close enough to be what was meant. */
export function nearest(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const dd = distance(name, n);
    if (dd < bestD) [best, bestD] = [n, dd];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * The error for `prefix.name` (prefix 'torch', 'nn', 'F', ...): a PyTorch name Gradlens lacks, or a near miss of
 * one of Gradlens' names (a typo). Any other name gets no error (undefined, as JavaScript gives): tools look up
 * names on any object to learn what it is (Node's inspect asks for `href`), and those must not throw.
 */
export function missingNameError(prefix: string, name: string, gradlensNames: Iterable<string>): TypeError | undefined {
  const pytorch = PYTORCH_NAMESPACES[prefix] ?? [];
  if (pytorch.includes(name)) return new TypeError(`${prefix}.${name} is not in Gradlens yet (${DOCS})`);
  const near = nearest(name, [...gradlensNames, ...pytorch]);
  if (near === undefined) return undefined;
  return new TypeError(`${prefix}.${name} is not a name PyTorch or Gradlens has; did you mean ${prefix}.${near}? (${DOCS})`);
}

const isPassThrough = (key: string | symbol): boolean => typeof key === 'symbol' || PROBES.has(key) || key.startsWith('_') || key.startsWith('@@');

/**
 * Makes a lookup of a name `ns` lacks throw the error for `prefix.name` (for a namespace reached as
 * gradlens.torch, gradlens.nn, ...). The names it has are untouched. Does nothing where the object's prototype cannot
 * be set (a frozen namespace, true ES module namespaces): the plain "is not a function" then stands.
 */
export function guardNamespace(ns: object, prefix: string): void {
  const original = Object.getPrototypeOf(ns) as object | null;
  const base: object = original ?? Object.create(null);
  const guard = new Proxy(base, {
    get(target, key, receiver) {
      if (isPassThrough(key) || Reflect.has(target, key)) return Reflect.get(target, key, receiver);
      const error = missingNameError(prefix, key as string, Object.keys(ns));
      if (error) throw error;
      return undefined;
    },
  });
  try {
    Object.setPrototypeOf(ns, guard);
  } catch {
    // Not settable here: leave the namespace as it is.
  }
}

/** Puts a throwing stub on `proto` for each PyTorch method of `cls` that it (or its chain) lacks. */
export function stubMissingMethods(proto: object, cls: keyof typeof PYTORCH_METHODS, label: string = cls): void {
  for (const name of PYTORCH_METHODS[cls]) {
    if (name in proto || NO_STUB.has(name)) continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function notInGradlens(): never {
        throw new TypeError(`${label}.${name}() is not in Gradlens yet (${DOCS})`);
      },
    });
  }
}

/** The namespaces of the gradlens module as a model file reaches them. */
export interface GuardedModule {
  torch: object & { cuda?: object };
  nn: object & { functional?: object; init?: object; utils?: object };
  F: object;
  optim: object & { lr_scheduler?: object };
  datasets: object;
  transforms: object;
}

/** Guards each namespace of the gradlens module; called once, from engine/index.ts, with the module itself. */
export function installMissingNameErrors(m: GuardedModule, classes: { Tensor: object; Module: object; Optimizer: object }): void {
  const namespaces: Array<[object | undefined, string]> = [
    [m.torch, 'torch'],
    [m.torch.cuda, 'torch.cuda'],
    [m.nn, 'nn'],
    [m.nn.functional, 'F'],
    [m.nn.init, 'nn.init'],
    [m.nn.utils, 'nn.utils'],
    [m.F, 'F'],
    [m.optim, 'optim'],
    [m.optim.lr_scheduler, 'optim.lr_scheduler'],
    [m.datasets, 'datasets'],
    [m.transforms, 'transforms'],
  ];
  const done = new Set<object>();
  for (const [ns, prefix] of namespaces) {
    if (!ns || done.has(ns)) continue;
    done.add(ns);
    guardNamespace(ns, prefix);
  }
  stubMissingMethods(classes.Tensor, 'Tensor');
  stubMissingMethods(classes.Module, 'Module', 'nn.Module');
  stubMissingMethods(classes.Optimizer, 'Optimizer', 'optim.Optimizer');
}
