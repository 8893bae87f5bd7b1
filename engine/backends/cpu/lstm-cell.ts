// The reference LSTM cell (PyTorch's equations, gate order i, f, g, o), in float64 arithmetic rounded at each store.
import { intoTarget, type Into, type LstmCellAttrs, type LstmCellGradInputs, type LstmCellGradOut, type LstmCellOut } from '../../kernels/kernel-map';
import { sigmoid } from './activation';

/** Why the arrays are too short (every gate array needs B rows of `gates`*H values, every cell array B rows of H), or null. */
function shortArray(at: LstmCellAttrs, gates: number, gateArrays: Float32Array[], cellArrays: Float32Array[]): string | null {
  const { batch: B, hidden: H } = at;
  for (const a of gateArrays) if (a.length < B * gates * H) return `a gate array has ${a.length} elements, expected ${B * gates * H}`;
  for (const a of cellArrays) if (a.length < B * H) return `a cell array has ${a.length} elements, expected ${B * H}`;
  return null;
}

/** Whether every gate and cell array is long enough (see shortArray). */
export function lengthsFit(at: LstmCellAttrs, gates: number, gateArrays: Float32Array[], cellArrays: Float32Array[]): boolean {
  return shortArray(at, gates, gateArrays, cellArrays) === null;
}

/** Throws unless every gate and cell array is long enough (see shortArray). */
export function checkLengths(what: string, at: LstmCellAttrs, gates: number, gateArrays: Float32Array[], cellArrays: Float32Array[]): void {
  const short = shortArray(at, gates, gateArrays, cellArrays);
  if (short) throw new Error(`${what}: ${short}.`);
}

export function lstmCell(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, at: LstmCellAttrs & Into<LstmCellOut>): LstmCellOut {
  checkLengths('LstmCell', at, 4, [xp, hp], [cPrev]);
  const { batch: B, hidden: H } = at;
  const gates = intoTarget(at.into?.gates, B * 4 * H, 'LstmCell gates') ?? new Float32Array(B * 4 * H);
  const c = intoTarget(at.into?.c, B * H, 'LstmCell c') ?? new Float32Array(B * H);
  const h = intoTarget(at.into?.h, B * H, 'LstmCell h') ?? new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const q = g0 + j;
      const i = sigmoid(xp[q] + hp[q]);
      const f = sigmoid(xp[q + H] + hp[q + H]);
      const g = Math.tanh(xp[q + 2 * H] + hp[q + 2 * H]);
      const o = sigmoid(xp[q + 3 * H] + hp[q + 3 * H]);
      gates[q] = i;
      gates[q + H] = f;
      gates[q + 2 * H] = g;
      gates[q + 3 * H] = o;
      const k = b * H + j;
      c[k] = f * cPrev[k] + i * g;
      h[k] = o * Math.tanh(c[k]);
    }
  }
  return { gates, c, h };
}

export function lstmCellGrad(inputs: LstmCellGradInputs, at: LstmCellAttrs & Into<LstmCellGradOut>): LstmCellGradOut {
  const { gOut, dhRec, dcIn, gates, cPrev, c } = inputs;
  checkLengths('LstmCellGrad', at, 4, [gates], [gOut, dhRec, dcIn, cPrev, c]);
  const { batch: B, hidden: H } = at;
  const dGates = intoTarget(at.into?.dGates, B * 4 * H, 'LstmCellGrad dGates') ?? new Float32Array(B * 4 * H);
  const dcPrev = intoTarget(at.into?.dcPrev, B * H, 'LstmCellGrad dcPrev') ?? new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const q = g0 + j;
      const k = b * H + j;
      const i = gates[q], f = gates[q + H], g = gates[q + 2 * H], o = gates[q + 3 * H];
      const dh = gOut[k] + dhRec[k];
      const tc = Math.tanh(c[k]);
      const dc = dcIn[k] + dh * o * (1 - tc * tc);
      dGates[q] = dc * g * i * (1 - i);
      dGates[q + H] = dc * cPrev[k] * f * (1 - f);
      dGates[q + 2 * H] = dc * i * (1 - g * g);
      dGates[q + 3 * H] = dh * tc * o * (1 - o);
      dcPrev[k] = dc * f;
    }
  }
  return { dGates, dcPrev };
}
