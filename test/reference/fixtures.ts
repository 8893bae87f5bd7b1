// Loading the PyTorch reference fixtures (test/fixtures/*.json, written by test/fixtures/make_fixtures.py) and
// comparing engine results with them. Every number in a fixture is a float32 written with the shortest decimal
// that reads back to the same float32, so inputs and parameters reach the engine bit for bit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '../../engine/index';

export interface TensorJson {
  shape: number[];
  values: number[];
}

export type ArgJson = number | boolean | string | null | number[];

export interface FixtureFile<C> {
  generator: string;
  torch: string;
  cases: C[];
}

const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function loadFixture<C>(name: string): FixtureFile<C> & Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, name), 'utf8')) as FixtureFile<C> & Record<string, unknown>;
}

/** A fresh engine tensor holding the fixture's values (a leaf, with requires_grad when asked). */
export function toTensor(t: TensorJson, requires_grad = false): Tensor {
  return tensor(Float32Array.from(t.values), { shape: t.shape, requires_grad });
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Values of plain float32 ops: one or two roundings away from PyTorch. */
export const TIGHT: Tolerance = { rtol: 1e-5, atol: 1e-6 };
/** Sums, convolutions, recurrences and gradients: summation order differs from PyTorch's kernels. */
export const LOOSE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| element-wise and equal shapes; on failure the message
 * names what was compared, the worst element and the largest absolute and relative errors.
 */
export function assertClose(
  what: string,
  actual: { data: Float32Array; shape: number[] } | null | undefined,
  expected: TensorJson,
  tol: Tolerance,
): void {
  if (!actual) throw new Error(`${what}: missing (expected shape [${expected.shape.join(', ')}])`);
  if (actual.shape.join(',') !== expected.shape.join(',')) {
    throw new Error(`${what}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
  assertValuesClose(what, actual.data, expected.values, tol);
}

export function assertValuesClose(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  }
  const e = maxError(actual, expected, tol);
  if (e.violations > 0) {
    throw new Error(
      `${what}: ${e.violations}/${expected.length} values outside atol ${tol.atol} + rtol ${tol.rtol}; ` +
        `worst at [${e.worst}]: got ${actual[e.worst]}, expected ${expected[e.worst]}; ` +
        `max abs error ${e.maxAbs.toExponential(3)}, max rel error ${e.maxRel.toExponential(3)}`,
    );
  }
}

export interface ErrorSummary {
  maxAbs: number;
  maxRel: number;
  /** Index of the element that exceeds its tolerance by the largest factor. */
  worst: number;
  violations: number;
}

export function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): ErrorSummary {
  let maxAbs = 0;
  let maxRel = 0;
  let worst = 0;
  let worstRatio = -1;
  let violations = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const err = Math.abs(a - b);
    // NaN must count as a violation: every comparison with NaN is false, so test for "not within".
    const ratio = err / (tol.atol + tol.rtol * Math.abs(b));
    if (!(err <= tol.atol + tol.rtol * Math.abs(b))) violations++;
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
      worst = i;
    }
    if (!(err <= maxAbs)) maxAbs = Number.isNaN(err) ? Infinity : err;
    const rel = err / Math.max(Math.abs(b), 1e-30);
    if (!(rel <= maxRel)) maxRel = Number.isNaN(rel) ? Infinity : rel;
  }
  return { maxAbs, maxRel, worst, violations };
}

/** Flattens what a module returned (a Tensor, or nested arrays like LSTM's [output, [h_n, c_n]]) in order. */
export function flattenOutputs(out: unknown, isTensor: (v: unknown) => v is Tensor): Tensor[] {
  if (isTensor(out)) return [out];
  if (Array.isArray(out)) return out.flatMap((o: unknown) => flattenOutputs(o, isTensor));
  throw new Error(`module returned ${typeof out}, expected a Tensor or an array of Tensors`);
}

/**
 * The scalar whose gradient the fixtures hold: sum_i (out_i * g_i).sum(), with g_i the fixture's fixed upstream
 * gradients. Using one scalar (rather than backward per output) also covers gradients of shared subgraphs.
 */
export function weightedSum(outs: Tensor[], grads: TensorJson[]): Tensor {
  if (outs.length !== grads.length) throw new Error(`${outs.length} outputs, the fixture has ${grads.length}`);
  let total: Tensor | null = null;
  outs.forEach((o, i) => {
    const term = o.mul(toTensor(grads[i])).sum();
    total = total === null ? term : total.add(term);
  });
  if (total === null) throw new Error('no outputs');
  return total;
}
