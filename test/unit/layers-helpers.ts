// Shared by the layer tests: a central-difference gradient check and small tensor helpers.
// The engine computes in float32, so the check sums the outputs in float64 against fixed weights, measures the
// step actually taken after float32 rounding, and uses an eps (1e-3 by default) large enough that float32
// rounding of the outputs stays well under the tolerance. layers-conv.test.ts shows it catches a wrong backward.
import assert from 'node:assert/strict';
import { no_grad, tensor, Tensor } from '../../engine/index';

/** Deterministic values in [-1, 1] (an LCG), independent of the engine's global generator. */
export function lcg(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** A tensor of the given shape filled by lcg(seed). */
export function rnd(shape: number[], seed = 1, requires_grad = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(lcg(n, seed), { shape, requires_grad });
}

const outputsOf = (o: Tensor | Tensor[]): Tensor[] => (Array.isArray(o) ? o : [o]);

export interface CheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
}

/**
 * Asserts that autograd's gradient of L = Σ w·f() with respect to each tensor in `wrt` matches
 * (L(x + eps) - L(x - eps)) / (x+ - x-) element by element. `f` must be deterministic and read `wrt` anew.
 */
export function assertGradcheck(name: string, f: () => Tensor | Tensor[], wrt: Tensor[], opts: CheckOptions = {}): void {
  const eps = opts.eps ?? 1e-3;
  const rtol = opts.rtol ?? 1e-2;
  const atol = opts.atol ?? 2e-3;
  for (const t of wrt) t.grad = null;
  const outs = outputsOf(f());
  const weights = outs.map((o, i) => lcg(o.data.length, 97 + i).map((v) => (v >= 0 ? 0.5 + v / 2 : -0.5 + v / 2)));
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const term = o.mul(tensor(weights[i], { shape: o.shape })).sum();
    loss = loss ? loss.add(term) : term;
  });
  (loss as unknown as Tensor).backward();
  const analytic = wrt.map((t) => (t.grad ? Float64Array.from(t.grad.data) : new Float64Array(t.data.length)));
  const evalLoss = (): number =>
    no_grad(() => {
      let s = 0;
      outputsOf(f()).forEach((o, i) => {
        for (let j = 0; j < o.data.length; j++) s += o.data[j] * weights[i][j];
      });
      return s;
    });
  let checked = 0;
  wrt.forEach((t, ti) => {
    for (let j = 0; j < t.data.length; j++) {
      const orig = t.data[j];
      t.data[j] = orig + eps;
      const xp = t.data[j];
      const lp = evalLoss();
      t.data[j] = orig - eps;
      const xm = t.data[j];
      const lm = evalLoss();
      t.data[j] = orig;
      const numeric = (lp - lm) / (xp - xm);
      const a = analytic[ti][j];
      checked++;
      assert.ok(
        Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric),
        `${name}: d/d(input ${ti})[${j}]: autograd ${a} vs central difference ${numeric}`,
      );
    }
  });
  assert.ok(checked > 0, `${name}: nothing was checked`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs expected ${expected[i]}`);
  }
}
