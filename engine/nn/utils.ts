// torch.nn.utils: gradient clipping and flattening parameters to one vector. clip_grad_norm_ follows PyTorch
// 1.13 step for step in float32 (per-parameter norms, the norm of those norms, coefficient max_norm/(norm+1e-6)
// clamped to 1, every gradient multiplied by it) and, like PyTorch, returns the total norm as a 0-d Tensor:
// call .item() for a number.
import { forgetFinite } from '../finite';
import { Tensor } from '../tensor';

type Params = Iterable<Tensor> | Tensor;

const f32 = Math.fround;

function withGrads(parameters: Params): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.filter((p) => p._grad !== null);
}

/** torch.norm(x, p) of a flat array: p = Infinity is the max |x|, -Infinity the min, 0 the count of non-zeros. */
function vectorNorm(x: ArrayLike<number>, p: number): number {
  if (p === Infinity || p === -Infinity) {
    let m = p === Infinity ? 0 : Infinity;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]);
      // NaN propagates, as torch's max/min do.
      if (Number.isNaN(a)) return NaN;
      m = p === Infinity ? Math.max(m, a) : Math.min(m, a);
    }
    return m;
  }
  let s = 0;
  if (p === 0) {
    for (let i = 0; i < x.length; i++) if (x[i] !== 0) s += 1;
    return s;
  }
  if (p === 2) {
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return Math.sqrt(s);
  }
  if (p === 1) {
    for (let i = 0; i < x.length; i++) s += Math.abs(x[i]);
    return s;
  }
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]) ** p;
  return s ** (1 / p);
}

export interface ClipGradNormOptions {
  norm_type?: number | 'inf';
  /** Throw instead of scaling the gradients when the total norm is NaN or infinite. */
  error_if_nonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` (those with a gradient) in place so their total norm is at most max_norm;
 * returns the total norm before clipping as a 0-d Tensor, as PyTorch does. norm_type may be Infinity (or 'inf').
 * The third argument may also be an options object { norm_type, error_if_nonfinite }.
 */
export function clip_grad_norm_(
  parameters: Params,
  max_norm: number,
  norm_type: number | 'inf' | ClipGradNormOptions = 2,
  error_if_nonfinite = false,
): Tensor {
  const opts: ClipGradNormOptions = typeof norm_type === 'object' ? norm_type : { norm_type, error_if_nonfinite };
  const p = opts.norm_type === 'inf' ? Infinity : (opts.norm_type ?? 2);
  const params = withGrads(parameters);
  if (params.length === 0) return new Tensor(new Float32Array(1), []);
  let total: number;
  const norms = params.map((t) => f32(vectorNorm((t._grad as Tensor).data, p)));
  if (p === Infinity) total = norms.length === 1 ? norms[0] : Math.max(...norms);
  else total = f32(vectorNorm(norms, p));
  if (opts.error_if_nonfinite && !Number.isFinite(total)) {
    throw new Error(
      `The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`',
    );
  }
  // Float32 throughout, as PyTorch computes the coefficient on float32 tensors. min() keeps NaN like clamp().
  const coef = f32(max_norm / f32(total + 1e-6));
  const clamped = Number.isNaN(coef) ? coef : Math.min(coef, 1);
  // A coefficient of 1 leaves every value as it is (x * 1 === x, NaN and -0 included): skip the pass.
  if (clamped !== 1) {
    for (const t of params) {
      const g = (t._grad as Tensor).data;
      for (let i = 0; i < g.length; i++) g[i] *= clamped;
      // A NaN coefficient makes NaNs of values a kernel proved finite.
      if (Number.isNaN(clamped)) forgetFinite(g);
    }
  }
  return new Tensor(new Float32Array([total]), []);
}

/** Clamps every gradient of `parameters` to [-clip_value, clip_value] in place. */
export function clip_grad_value_(parameters: Params, clip_value: number): void {
  const v = f32(clip_value);
  for (const t of withGrads(parameters)) {
    const g = (t._grad as Tensor).data;
    for (let i = 0; i < g.length; i++) {
      const x = g[i];
      // NaN stays NaN, as with torch.clamp_.
      if (x > v) g[i] = v;
      else if (x < -v) g[i] = -v;
    }
  }
}

/** All parameters flattened into one new 1-d tensor (a copy; PyTorch's is differentiable, this one is not). */
export function parameters_to_vector(parameters: Iterable<Tensor>): Tensor {
  const list = [...parameters];
  const out = new Float32Array(list.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p.data, at);
    at += p.data.length;
  }
  return new Tensor(out, [out.length]);
}

/** Copies consecutive slices of a 1-d tensor into the parameters (the inverse of parameters_to_vector). */
export function vector_to_parameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (vec.dim() !== 1) throw new TypeError(`expected a 1-d tensor, but got a tensor of shape [${vec.shape.join(', ')}]`);
  const list = [...parameters];
  const need = list.reduce((n, p) => n + p.data.length, 0);
  if (need !== vec.data.length) throw new Error(`vector_to_parameters: the vector has ${vec.data.length} values, the parameters ${need}`);
  let at = 0;
  for (const p of list) {
    p.data.set(vec.data.subarray(at, at + p.data.length));
    at += p.data.length;
  }
}
