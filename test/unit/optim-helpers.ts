// Shared by the optim-*.test.ts files: parameters with given values and gradients, and float32-aware comparison.
import assert from 'node:assert/strict';
import { nn, tensor } from '../../engine/index';

export function param(values: number[], grad?: number[]): InstanceType<typeof nn.Parameter> {
  const p = new nn.Parameter(tensor(values));
  if (grad) p.grad = tensor(grad);
  return p;
}

export function setGrad(p: InstanceType<typeof nn.Parameter>, grad: number[]): void {
  p.grad = tensor(grad);
}

/** Element-wise |a - e| <= atol + rtol * |e| (float32 results against float64 hand computations). */
export function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'values', rtol = 2e-6, atol = 1e-7): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: got ${a}, expected ${e}`);
  }
}

export const f32 = (xs: number[]): number[] => Array.from(Float32Array.from(xs));
