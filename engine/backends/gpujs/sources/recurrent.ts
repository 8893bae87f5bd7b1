// gpu.js sources of the LSTM and GRU cells and their backward. LSTM gate rows hold 4H values (i, f, g, o), GRU's 3H
// (r, z, n); state rows H. tanh is tanhOf (elementwise.ts), which stays finite where GLSL's polyfill overflows.
import { gpuKernel } from '../compile';
import { tanhOf } from './elementwise';

/**
 * For a thread over gate rows of `gates` blocks of `hidden` values: its gate, k (the unit's index in the [B, H]
 * state rows) and q (the unit's first gate value in the gate rows).
 */
const gateCursor = (gates: number): string => `const hid = this.constants.hidden;
  const row = Math.floor(this.thread.x / (${gates} * hid));
  const inRow = this.thread.x - row * ${gates} * hid;
  const gate = Math.floor(inRow / hid);
  const k = row * hid + inRow - gate * hid;
  const q = row * ${gates} * hid + inRow - gate * hid;`;

/** The activated gates: tanh for g, sigmoid for i, f and o. */
export const LSTM_GATES = gpuKernel('lstmGates', `function (xp, hp) {
  const v = xp[this.thread.x] + hp[this.thread.x];
  const row = Math.floor(this.thread.x / (4 * this.constants.hidden));
  const gate = Math.floor((this.thread.x - row * 4 * this.constants.hidden) / this.constants.hidden);
  if (gate == 2) {
    ${tanhOf('t', 'v')}
    return t;
  }
  return 1 / (1 + Math.exp(-v));
}`);

/** The new cell state c = f*cPrev + i*g (want = 0), or h = o*tanh(c) from c (want = 1). */
export const LSTM_CELL = gpuKernel('lstmCell', `function (gates, cOrPrev) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const q = this.thread.x + row * 3 * this.constants.hidden;
  const v = cOrPrev[this.thread.x];
  if (this.constants.want == 0) {
    return gates[q + this.constants.hidden] * v + gates[q] * gates[q + 2 * this.constants.hidden];
  }
  ${tanhOf('t', 'v')}
  return gates[q + 3 * this.constants.hidden] * t;
}`);

/** dL/dc at this step: dcIn + (gOut + dhRec)*o*(1 - tanh(c)^2). */
export const LSTM_DC = gpuKernel('lstmDc', `function (gOut, dhRec, dcIn, gates, c) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const q = this.thread.x + row * 3 * this.constants.hidden;
  const v = c[this.thread.x];
  ${tanhOf('tc', 'v')}
  const dh = gOut[this.thread.x] + dhRec[this.thread.x];
  return dcIn[this.thread.x] + dh * gates[q + 3 * this.constants.hidden] * (1 - tc * tc);
}`);

/** Gradients of the gate pre-activations, from dc (LSTM_DC's output) and the forward's gates. */
export const LSTM_DGATES = gpuKernel('lstmDGates', `function (gOut, dhRec, gates, cPrev, c, dc) {
  ${gateCursor(4)}
  const i = gates[q];
  const f = gates[q + hid];
  const g = gates[q + 2 * hid];
  const o = gates[q + 3 * hid];
  if (gate == 0) { return dc[k] * g * i * (1 - i); }
  if (gate == 1) { return dc[k] * cPrev[k] * f * (1 - f); }
  if (gate == 2) { return dc[k] * i * (1 - g * g); }
  const v = c[k];
  ${tanhOf('tc', 'v')}
  return (gOut[k] + dhRec[k]) * tc * o * (1 - o);
}`);

/** dL/dcPrev = dc * f. */
export const LSTM_DC_PREV = gpuKernel('lstmDcPrev', `function (dc, gates) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  return dc[this.thread.x] * gates[this.thread.x + row * 3 * this.constants.hidden + this.constants.hidden];
}`);

/** GRU's activated gates: sigmoid for r and z; n = tanh(xn + r*hn), r recomputed from its own pre-activations. */
export const GRU_GATES = gpuKernel('gruGates', `function (xp, hp) {
  const row = Math.floor(this.thread.x / (3 * this.constants.hidden));
  const gate = Math.floor((this.thread.x - row * 3 * this.constants.hidden) / this.constants.hidden);
  if (gate == 2) {
    const q = this.thread.x - 2 * this.constants.hidden;
    const r = 1 / (1 + Math.exp(-(xp[q] + hp[q])));
    const v = xp[this.thread.x] + r * hp[this.thread.x];
    ${tanhOf('t', 'v')}
    return t;
  }
  return 1 / (1 + Math.exp(-(xp[this.thread.x] + hp[this.thread.x])));
}`);

/** GRU's new state h = (1-z)*n + z*hPrev. */
export const GRU_STATE = gpuKernel('gruState', `function (gates, hPrev) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const q = this.thread.x + row * 2 * this.constants.hidden;
  const z = gates[q + this.constants.hidden];
  return (1 - z) * gates[q + 2 * this.constants.hidden] + z * hPrev[this.thread.x];
}`);

/**
 * GRU's gate gradients from dh = gOut + dhRec: dr = dn*hn*r*(1-r), dz = dh*(hPrev-n)*z*(1-z), dn = dh*(1-z)*(1-n^2);
 * the hidden projection's n gradient is dn*r (hiddenSide = 1), the input projection's dn (hiddenSide = 0).
 */
export const GRU_DGATES = gpuKernel('gruDGates', `function (gOut, dhRec, gates, hn, hPrev) {
  ${gateCursor(3)}
  const r = gates[q];
  const z = gates[q + hid];
  const n = gates[q + 2 * hid];
  const dh = gOut[k] + dhRec[k];
  if (gate == 1) { return dh * (hPrev[k] - n) * z * (1 - z); }
  const dn = dh * (1 - z) * (1 - n * n);
  if (gate == 0) { return dn * hn[k] * r * (1 - r); }
  if (this.constants.hiddenSide == 1) { return dn * r; }
  return dn;
}`);

/** The part of GRU's dL/dhPrev that bypasses W_hh: z * (gOut + dhRec). */
export const GRU_DH_DIRECT = gpuKernel('gruDhDirect', `function (gOut, dhRec, gates) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const z = gates[this.thread.x + row * 2 * this.constants.hidden + this.constants.hidden];
  return (gOut[this.thread.x] + dhRec[this.thread.x]) * z;
}`);
