// The engine expression for each op in test/fixtures/ops.json: the PyTorch call written with the Gradlens API.
// Shared by the reference comparison (ops.test.ts) and the finite-difference checks (gradcheck.test.ts).
import { F, cat, stack, type Tensor } from '../../engine/index';
import type { ArgJson, TensorJson } from './fixtures';

export interface OpCase {
  name: string;
  op: string;
  args: ArgJson[];
  inputs: TensorJson[];
  output: TensorJson;
  grad_output: TensorJson;
  grads: Array<TensorJson | null>;
}

const num = (a: ArgJson): number => {
  if (typeof a !== 'number') throw new Error(`expected a number argument, got ${JSON.stringify(a)}`);
  return a;
};
const optNum = (a: ArgJson | undefined): number | null => (a === null || a === undefined ? null : num(a));

export type OpFn = (x: Tensor[], a: ArgJson[]) => Tensor;

/** The engine call for each fixture op: the PyTorch expression written with the Gradlens API. */
export const OPS: Record<string, OpFn> = {
  add: ([a, b]) => a.add(b),
  sub: ([a, b]) => a.sub(b),
  mul: ([a, b]) => a.mul(b),
  div: ([a, b]) => a.div(b),
  add_scalar: ([a], [s]) => a.add(num(s)),
  sub_scalar: ([a], [s]) => a.sub(num(s)),
  mul_scalar: ([a], [s]) => a.mul(num(s)),
  div_scalar: ([a], [s]) => a.div(num(s)),
  neg: ([a]) => a.neg(),
  pow: ([a], [p]) => a.pow(num(p)),
  exp: ([a]) => a.exp(),
  log: ([a]) => a.log(),
  sqrt: ([a]) => a.sqrt(),
  abs: ([a]) => a.abs(),
  relu: ([a]) => a.relu(),
  sigmoid: ([a]) => a.sigmoid(),
  tanh: ([a]) => a.tanh(),
  matmul: ([a, b]) => a.matmul(b),
  sum: ([a], args) => (args.length === 0 ? a.sum() : a.sum(num(args[0]), args[1] === true)),
  mean: ([a], args) => (args.length === 0 ? a.mean() : a.mean(num(args[0]), args[1] === true)),
  max: ([a], args) => (args.length === 0 ? a.max() : a.max(num(args[0]))),
  softmax: ([a], [d]) => a.softmax(num(d)),
  log_softmax: ([a], [d]) => a.log_softmax(num(d)),
  view: ([a], args) => a.view(...args.map(num)),
  reshape: ([a], args) => a.reshape(...args.map(num)),
  flatten: ([a], args) => (args.length === 0 ? a.flatten() : a.flatten(num(args[0]))),
  transpose: ([a], [d0, d1]) => a.transpose(num(d0), num(d1)),
  permute: ([a], args) => a.permute(...args.map(num)),
  unsqueeze: ([a], [d]) => a.unsqueeze(num(d)),
  squeeze: ([a], args) => (args.length === 0 ? a.squeeze() : a.squeeze(num(args[0]))),
  cat: (xs, [d]) => cat(xs, num(d)),
  stack: (xs, [d]) => stack(xs, num(d)),
  narrow: ([a], [d, s, l]) => a.narrow(num(d), num(s), num(l)),
  clamp: ([a], [lo, hi]) => a.clamp(optNum(lo), optNum(hi)),
  leaky_relu: ([a], [slope]) => F.leaky_relu(a, num(slope)),
  elu: ([a], [alpha]) => F.elu(a, num(alpha)),
  gelu: ([a]) => F.gelu(a),
  composite_reuse: ([a, b]) => a.mul(b).add(a.exp().mul(0.5)).tanh().sum(1).mul(a.mean(1)),
};

// Ops whose float32 result depends on summation order get the looser tolerance.
export const SUMMING = new Set(['matmul', 'sum', 'mean', 'softmax', 'log_softmax', 'composite_reuse', 'gelu']);
