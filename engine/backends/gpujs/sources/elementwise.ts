// gpu.js sources of the elementwise activations: ReLU, tanh and sigmoid, and their backward.
import { gpuKernel } from '../compile';

/**
 * Statements declaring `out` = tanh(`v`) (`v` a variable's name), spliced into kernel sources (here and in
 * recurrent.ts). Written out as (1 - e)/(1 + e) with e = exp(-2|v|): GLSL's tanh polyfill in gpu.js,
 * (e - 1)/(e + 1) with e = exp(2v), is NaN once exp overflows (|v| > 44).
 */
export const tanhOf = (out: string, v: string): string => `const ${out}E = Math.exp(-2 * Math.abs(${v}));
  let ${out} = (1 - ${out}E) / (1 + ${out}E);
  if (${v} < 0) { ${out} = -${out}; }`;

/** torch.relu: NaN stays NaN. */
export const RELU = gpuKernel('relu', `function (x) {
  const v = x[this.thread.x];
  if (v > 0 || v != v) { return v; }
  return 0;
}`);

/** ReLU's backward: dy where x > 0, else 0. */
export const RELU_GRAD = gpuKernel('reluGrad', `function (x, dy) {
  if (x[this.thread.x] > 0) { return dy[this.thread.x]; }
  return 0;
}`);

/** tanh (want = 0) or sigmoid (want = 1) of x, elementwise. */
export const ACTIVATION = gpuKernel('activation', `function (x) {
  const v = x[this.thread.x];
  if (this.constants.want == 0) {
    ${tanhOf('t', 'v')}
    return t;
  }
  return 1 / (1 + Math.exp(-v));
}`);

/** Their backward from the forward's y: dy * (1 - y*y) for tanh (want = 0), dy * (1 - y) * y for sigmoid. */
export const ACTIVATION_GRAD = gpuKernel('activationGrad', `function (y, dy) {
  const v = y[this.thread.x];
  if (this.constants.want == 0) { return dy[this.thread.x] * (1 - v * v); }
  return dy[this.thread.x] * (1 - v) * v;
}`);
