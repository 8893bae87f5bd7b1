// Central-difference gradient checking (tier 1 of the gradient tests, after tinygrad's extra/gradcheck.py).
// The engine computes in float32, so the check is arranged to keep float32 noise small and measured:
//  - the scalar is L = sum_i sum_j out_i[j] * w_i[j] with fixed weights w, accumulated in float64 from the float32
//    outputs, so the sum adds no rounding of its own;
//  - the perturbed input is rounded to float32 and the step actually taken (x+ - x-) is the divisor, not 2*eps;
//  - eps is large enough (1e-2) that float32 rounding of the outputs, divided by 2*eps, stays below the tolerance.
// With eps near float32's resolution the quotient is dominated by rounding noise: gradcheck.test.ts shows that
// such a check fails, so a passing check is evidence.
import { no_grad, tensor, type Tensor } from '../../engine/index';

export interface GradcheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Seed of the fixed output weights w. */
  seed?: number;
  /**
   * For composite models whose hidden activations cannot be kept clear of kinks (a ReLU input or a max-pool tie
   * within eps of the inputs' perturbation): an element that fails is measured again with eps/3, eps/10 and
   * eps/30, and counts as a kink, not a failure, when one of them agrees. A wrong gradient is wrong at every eps,
   * so it still fails; the number of kinks is reported and callers bound it.
   */
  refineKinks?: boolean;
}

export interface GradcheckMismatch {
  /** Index into wrt. */
  tensor: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  ok: boolean;
  checked: number;
  maxAbsError: number;
  /** The element that exceeds atol + rtol*|numeric| by the largest factor (present when any element was checked). */
  worst?: GradcheckMismatch;
  violations: number;
  /** Elements that failed at eps but agreed at a smaller eps (only with refineKinks). */
  kinks: number;
}

/** A small deterministic generator for the output weights (independent of the engine's global RNG). */
function weights(n: number, state: { s: number }): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state.s = (Math.imul(state.s, 1664525) + 1013904223) >>> 0;
    // Uniform in [-1, -0.25] U [0.25, 1]: no weight near zero, so every output element counts.
    const u = state.s / 2 ** 32;
    w[i] = u < 0.5 ? -0.25 - 1.5 * u : 0.25 + 1.5 * (u - 0.5);
  }
  return w;
}

const asList = (out: Tensor | Tensor[]): Tensor[] => (Array.isArray(out) ? out : [out]);

/**
 * Compares autograd's gradient of L with respect to every element of every tensor in `wrt` (leaves with
 * requires_grad, e.g. inputs and a module's parameters) with (L(x+) - L(x-)) / (x+ - x-). `f` must read `wrt`
 * each time it is called (it is re-run for every perturbed element) and be deterministic.
 */
export function gradcheck(f: () => Tensor | Tensor[], wrt: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const state = { s: opts.seed ?? 12345 };

  // Analytic: one backward of the weighted sum.
  for (const t of wrt) t.grad = null;
  const outs = asList(f());
  const w = outs.map((o) => weights(o.data.length, state));
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const term = o.mul(tensor(w[i], { shape: o.shape })).sum();
    loss = loss === null ? term : loss.add(term);
  });
  if (loss === null) throw new Error('gradcheck: f returned no outputs');
  (loss as Tensor).backward();
  const analytic = wrt.map((t) => (t.grad ? Float64Array.from(t.grad.data) : new Float64Array(t.data.length)));

  const evalLoss = (): number =>
    no_grad(() => {
      const os = asList(f());
      let s = 0;
      os.forEach((o, i) => {
        const wi = w[i];
        for (let j = 0; j < o.data.length; j++) s += o.data[j] * wi[j];
      });
      return s;
    });

  const centralDifference = (t: Tensor, j: number, h: number): number => {
    const orig = t.data[j];
    t.data[j] = orig + h;
    const xp = t.data[j];
    const lp = evalLoss();
    t.data[j] = orig - h;
    const xm = t.data[j];
    const lm = evalLoss();
    t.data[j] = orig;
    return (lp - lm) / (xp - xm);
  };
  const within = (a: number, n: number): boolean => Math.abs(a - n) <= atol + rtol * Math.abs(n);

  const result: GradcheckResult = { ok: true, checked: 0, maxAbsError: 0, violations: 0, kinks: 0 };
  let worstRatio = -1;
  wrt.forEach((t, ti) => {
    for (let j = 0; j < t.data.length; j++) {
      const a = analytic[ti][j];
      let numeric = centralDifference(t, j, eps);
      if (opts.refineKinks && !within(a, numeric)) {
        for (const h of [eps / 3, eps / 10, eps / 30]) {
          const n = centralDifference(t, j, h);
          if (within(a, n)) {
            numeric = n;
            result.kinks++;
            break;
          }
        }
      }
      const err = Math.abs(a - numeric);
      const ratio = err / (atol + rtol * Math.abs(numeric));
      result.checked++;
      if (!(err <= result.maxAbsError)) result.maxAbsError = Number.isNaN(err) ? Infinity : err;
      if (!(ratio <= 1)) {
        result.ok = false;
        result.violations++;
      }
      if (!(ratio <= worstRatio)) {
        worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
        result.worst = { tensor: ti, index: j, analytic: a, numeric };
      }
    }
  });
  return result;
}

/** One line for an assertion message. */
export function describe(r: GradcheckResult): string {
  const w = r.worst;
  const at = w ? `; worst: tensor ${w.tensor} [${w.index}] autograd ${w.analytic.toPrecision(6)} vs numeric ${w.numeric.toPrecision(6)}` : '';
  return `${r.violations}/${r.checked} elements out of tolerance (${r.kinks} kinks), max abs error ${r.maxAbsError.toExponential(3)}${at}`;
}
