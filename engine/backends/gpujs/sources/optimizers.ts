// gpu.js sources of the optimizer updates: Adam (with AMSGrad's running maximum) and SGD, one pass each.
import { gpuKernel } from '../compile';

/** Adam first moment: torch's lerp m + (1-b1)(g' - m), g' = g + l2*p. */
export const ADAM_M = gpuKernel('adamM', `function (m, g, p) {
  const gi = g[this.thread.x] + this.constants.l2 * p[this.thread.x];
  return m[this.thread.x] + this.constants.c1 * (gi - m[this.thread.x]);
}`);

/** Adam second moment: b2 v + (1-b2) g'^2. */
export const ADAM_V = gpuKernel('adamV', `function (v, g, p) {
  const gi = g[this.thread.x] + this.constants.l2 * p[this.thread.x];
  return this.constants.b2 * v[this.thread.x] + this.constants.c2 * gi * gi;
}`);

/** amsgrad: running maximum of the second moment (NaN propagates as in torch.maximum). */
export const MAXIMUM = gpuKernel('maximum', `function (a, b) {
  const x = a[this.thread.x];
  const y = b[this.thread.x];
  if (x != x || x > y) { return x; }
  return y;
}`);

/** Adam parameter step; `shrink` is 1 - lr*wd for AdamW and 1 otherwise. */
export const ADAM_P = gpuKernel('adamP', `function (p, m, v) {
  const denom = Math.sqrt(v[this.thread.x]) / this.constants.bc2Sqrt + this.constants.eps;
  return p[this.thread.x] * this.constants.shrink - this.constants.stepSize * (m[this.thread.x] / denom);
}`);

/** SGD direction with weight decay: g + wd*p. */
export const SGD_D = gpuKernel('sgdD', `function (g, p) {
  return g[this.thread.x] + this.constants.wd * p[this.thread.x];
}`);

/** SGD momentum buffer: momentum*buf + (1-dampening)*d. */
export const SGD_BUF = gpuKernel('sgdBuf', `function (buf, d) {
  return this.constants.momentum * buf[this.thread.x] + this.constants.damp * d[this.thread.x];
}`);

/** SGD parameter step along d (+ momentum*buf for Nesterov, selected by the constant nest = 0 or 1). */
export const SGD_P = gpuKernel('sgdP', `function (p, d, buf) {
  return p[this.thread.x] - this.constants.lr * (d[this.thread.x] + this.constants.nest * this.constants.momentum * buf[this.thread.x]);
}`);
