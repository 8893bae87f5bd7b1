// Reverse-mode autograd. Every differentiable op is built with makeOp: the forward result is computed by the op,
// and the op hands over a closure that maps the output's gradient to one gradient per input (micrograd's
// `_backward`, on typed arrays). Nodes remember the op name and the layer that created them, so a NaN in the
// backward pass can be traced to the op and the user's line.
import { currentLayer, type LayerContext } from './context';
import { knownFinite } from './finite';
import { passArena } from './kernels/registry';
import { Tensor } from './tensor';

export type BackwardFn = (gradOut: Float32Array) => Array<Float32Array | null>;

export interface Node {
  op: string;
  inputs: Tensor[];
  backward: BackwardFn;
  layer?: LayerContext;
  /** The input gradients are finite whenever the output gradient is (see OpFlags). */
  gradKeepsFinite?: boolean;
}

/**
 * What the NaN/Inf tracker may skip. An op whose output only moves, masks or selects its inputs' values (relu,
 * max pooling, views, slices), or bounds them (tanh, sigmoid), cannot be the first to produce a non-finite value:
 * any NaN it passes on was already reported where it was made (data batches are checked on their own). Skipping
 * its scan saves a pass over the largest activations of a CNN. `both` also covers the backward pass, when the input gradients are moved or masked
 * copies of the output gradient, or that gradient scaled by at most 1 (never sums, which can overflow).
 */
export interface OpFlags {
  keepsFinite?: 'forward' | 'both';
}

let gradEnabled = true;

export function is_grad_enabled(): boolean {
  return gradEnabled;
}

export function set_grad_enabled(enabled: boolean): void {
  gradEnabled = enabled;
}

/** What `no_grad()` without a function returns: gradients stay off until it is disposed (`using`). */
export interface NoGradScope {
  [Symbol.dispose](): void;
}

/**
 * torch.no_grad. `no_grad(() => ...)` runs the function without recording the graph; `using _ = no_grad();` keeps
 * gradients off to the end of the enclosing block, the nearest TypeScript has to Python's `with torch.no_grad():`.
 */
export function no_grad(): NoGradScope;
export function no_grad<T>(fn: () => T): T;
export function no_grad<T>(fn?: () => T): T | NoGradScope {
  const prev = gradEnabled;
  gradEnabled = false;
  if (fn === undefined) {
    let open = true;
    return {
      [Symbol.dispose]: (): void => {
        // Disposing twice must not undo a later scope's change.
        if (open) gradEnabled = prev;
        open = false;
      },
    };
  }
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

// ---------------------------------------------------------------------------------------------
// Non-finite tracking: the first op (forward or backward) that produced NaN or Inf since the last take.
// ---------------------------------------------------------------------------------------------

export interface NonFiniteReport {
  op: string;
  phase: 'forward' | 'backward';
  layer?: LayerContext;
  nanCount: number;
  infCount: number;
}

let checkNonFinite = true;
let firstNonFinite: NonFiniteReport | null = null;

/** Turns the per-op NaN/Inf scan on or off (on by default; one pass over each op's output). */
export function setNonFiniteCheck(enabled: boolean): void {
  checkNonFinite = enabled;
}

/** Returns and clears the first non-finite report recorded since the last call. */
export function takeNonFiniteReport(): NonFiniteReport | null {
  const r = firstNonFinite;
  firstNonFinite = null;
  return r;
}

function noteNonFinite(data: Float32Array, op: string, phase: 'forward' | 'backward', layer: LayerContext | undefined): void {
  if (firstNonFinite || knownFinite(data)) return;
  // One cheap pass: x*0 is 0 for every finite x and NaN for NaN and ±Inf. Four independent accumulators, because
  // a single one is a serial chain of dependent adds (measured ~4x slower on the CNN's activations).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    s0 += data[i] * 0;
    s1 += data[i + 1] * 0;
    s2 += data[i + 2] * 0;
    s3 += data[i + 3] * 0;
  }
  for (let i = n4; i < n; i++) s0 += data[i] * 0;
  if (s0 + s1 + s2 + s3 === 0) return;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
  }
  if (nan + inf > 0) firstNonFinite = { op, phase, layer, nanCount: nan, infCount: inf };
}

/** Sees every op's output, forward and backward (time travel's traced replay of a step); null when none. */
export type OpTracer = (op: string, phase: 'forward' | 'backward', layer: LayerContext | undefined, data: Float32Array, shape: readonly number[]) => void;
let opTracer: OpTracer | null = null;

export function setOpTracer(tracer: OpTracer | null): void {
  opTracer = tracer;
}

/** Builds the output tensor of an op and, when any input needs a gradient, its graph node. */
export function makeOp(
  op: string,
  inputs: Tensor[],
  outData: Float32Array,
  outShape: number[],
  backward: BackwardFn,
  flags?: OpFlags,
): Tensor {
  const layer = currentLayer();
  if (checkNonFinite && !flags?.keepsFinite) noteNonFinite(outData, op, 'forward', layer);
  opTracer?.(op, 'forward', layer, outData, outShape);
  let needsGrad = false;
  if (gradEnabled) {
    for (const t of inputs) {
      if (t.requires_grad) {
        needsGrad = true;
        break;
      }
    }
  }
  const out = new Tensor(outData, outShape, needsGrad);
  if (needsGrad) out._node = flags?.keepsFinite === 'both' ? { op, inputs, backward, layer, gradKeepsFinite: true } : { op, inputs, backward, layer };
  return out;
}

/** Topological order of the graph below root (inputs before outputs), iterative to survive deep RNN graphs. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t._node ? t._node.inputs : [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i];
      if (child.requires_grad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/** Counts backward passes, so a leaf's gradient slot is lent at most once per pass (see gradTargetFor). */
let backwardPass = 0;

/**
 * Where a backward closure may have its kernel write the fresh gradient of leaf `t` (a Parameter's resident
 * gradient slot), or undefined. The kernel may ignore it; either way the closure returns the array it produced.
 */
export function gradTargetFor(t: Tensor): Float32Array | undefined {
  return t._node ? undefined : t.gradTarget(backwardPass);
}

/** Accumulates d(root)/d(leaf) into every leaf's .grad (root.backward()). */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requires_grad) {
    throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
  }
  let seed: Float32Array;
  if (gradient) {
    if (gradient.data.length !== root.data.length) {
      throw new Error(`backward: gradient has ${gradient.data.length} elements, the tensor has ${root.data.length}`);
    }
    seed = gradient.data.slice();
  } else {
    if (root.data.length !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
    seed = new Float32Array([1]);
  }
  backwardPass++;
  const order = topoOrder(root);
  const grads = new Map<Tensor, Float32Array>();
  grads.set(root, seed);
  // The gradients this pass computes live in the backend's pass arena while backward functions run (see
  // PassArena): each is handed to the next backward function and dropped, so only what outlives the pass (a leaf's
  // .grad, what a tensor hook receives and may keep) is copied out of it.
  const arena = passArena();
  /** `g` itself, or a copy when it is an arena view (invalid once this pass ends). */
  const lasting = (g: Float32Array): Float32Array => (arena?.owns(g) ? g.slice() : g);
  arena?.beginPass();
  try {
    for (let idx = order.length - 1; idx >= 0; idx--) {
      const t = order[idx];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      // Whether a hook was handed `g` itself (not an arena copy) and may keep it: then g must not be passed on.
      let hooked = false;
      if (t._hooks) {
        const kept = lasting(g);
        hooked = kept === g;
        for (const hook of t._hooks) hook(kept);
      }
      const node = t._node;
      if (!node) {
        // A leaf: accumulate like PyTorch (.grad += g).
        if (t._grad) {
          const acc = t._grad.data;
          for (let i = 0; i < acc.length; i++) acc[i] += g[i];
        } else {
          t.grad = new Tensor(g === seed ? g.slice() : lasting(g), t.shape.slice());
        }
        continue;
      }
      const open = arena?.openFor() ?? false;
      let inGrads: Array<Float32Array | null>;
      try {
        inGrads = node.backward(g);
      } finally {
        arena?.close(open);
      }
      for (let k = 0; k < node.inputs.length; k++) {
        const inp = node.inputs[k];
        const ig = inGrads[k];
        if (!ig || !inp.requires_grad) continue;
        if (checkNonFinite && !node.gradKeepsFinite) noteNonFinite(ig, node.op, 'backward', node.layer);
        opTracer?.(node.op, 'backward', node.layer, ig, inp.shape);
        const prev = grads.get(inp);
        if (prev) {
          for (let i = 0; i < prev.length; i++) prev[i] += ig[i];
        } else {
          // The backward closure may return an array it shares with another input (e.g. add): copy before the
          // next accumulation can write into it. `g` itself (a view or reshape passes it through) belongs to no
          // one else once t is done, unless a hook kept it: passing it on spares a copy of the whole gradient (the
          // CNN's flatten: 2 MB, and the ReLU gradient after it then reads it in the pass arena, where it lies).
          grads.set(inp, inGrads.indexOf(ig) !== k || (ig === g && hooked) ? ig.slice() : ig);
        }
      }
    }
  } finally {
    arena?.endPass();
  }
}
