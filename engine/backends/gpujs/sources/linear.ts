// gpu.js sources of the dense layer: the batched matrix product (transposes and a broadcast B by strides) and
// the bias gradient.
import { gpuKernel } from '../compile';

/** C[t,i,j] = sum_p A(t,i,p) * B(t,p,j); strides select transposes and a broadcast B. */
export const MATMUL = gpuKernel('matmul', `function (a, b) {
  const n = this.constants.n;
  const mn = this.constants.mn;
  const t = Math.floor(this.thread.x / mn);
  const r = this.thread.x - t * mn;
  const i = Math.floor(r / n);
  const j = r - i * n;
  let ai = t * this.constants.aBatch + i * this.constants.aRow;
  let bi = t * this.constants.bBatch + j * this.constants.bCol;
  let s = 0;
  for (let p = 0; p < this.constants.k; p++) {
    s += a[ai] * b[bi];
    ai += this.constants.aCol;
    bi += this.constants.bRow;
  }
  return s;
}`);

/** One thread per channel: the sum of g [outer, channels, inner] over outer and inner. */
export const BIAS_GRAD = gpuKernel('biasGrad', `function (g) {
  const c = this.thread.x;
  let s = 0;
  for (let o = 0; o < this.constants.outer; o++) {
    const base = (o * this.constants.channels + c) * this.constants.inner;
    for (let i = 0; i < this.constants.inner; i++) {
      s += g[base + i];
    }
  }
  return s;
}`);
