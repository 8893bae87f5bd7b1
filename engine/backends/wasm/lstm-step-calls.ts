// One LSTM step's cell call (lstmCell, lstmCellGrad) for a range of batch rows, as both the one-thread loops
// (lstm-sequence.ts) and the two-thread row ranges (lstm-sequence-split.ts) issue it: one place for the addresses,
// which must agree for the two paths to give the same bits.
import type { Call } from './threads';

/** Byte addresses for a forward step t: `x` and `gates` are step t's [B, 4H] blocks, `hs` and `cs` hold slots 0..T. */
export interface CellStep {
  x: number;
  hp: number;
  gates: number;
  hs: number;
  cs: number;
}

/** lstmCell over rows [r0, r1) of step t: inputs x_t, hp, c_t; outputs gates_t, c_{t+1}, h_{t+1}. */
export function cellCall(fn: number, B: number, H: number, t: number, [r0, r1]: [number, number], at: CellStep): Call {
  const G = 4 * H, BH = B * H;
  return [fn, [
    at.x + r0 * G * 4, at.hp + r0 * G * 4, at.cs + (t * BH + r0 * H) * 4,
    at.gates + r0 * G * 4, at.cs + ((t + 1) * BH + r0 * H) * 4, at.hs + ((t + 1) * BH + r0 * H) * 4,
    r1 - r0, H,
  ]];
}

/**
 * Byte addresses for a backward step t: `gates` and `dGates` are step t's [B, 4H] blocks, `g` (dL/dh) and `cs` hold
 * slots 0..T, `dh` the recurrent gradient, `dcIn` and `dcPrev` dL/dc_t in and dL/dc_{t-1} out.
 */
export interface CellGradStep {
  g: number;
  dh: number;
  dcIn: number;
  dcPrev: number;
  gates: number;
  cs: number;
  dGates: number;
}

/** lstmCellGrad over rows [r0, r1) of step t: inputs gOut_t, dhRec, dcIn, gates_t, c_{t-1}, c_t; outputs dGates_t, dc_{t-1}. */
export function cellGradCall(fn: number, B: number, H: number, t: number, [r0, r1]: [number, number], at: CellGradStep): Call {
  const G = 4 * H, BH = B * H;
  return [fn, [
    at.g + (t * BH + r0 * H) * 4, at.dh + r0 * H * 4, at.dcIn + r0 * H * 4, at.gates + r0 * G * 4,
    at.cs + (t * BH + r0 * H) * 4, at.cs + ((t + 1) * BH + r0 * H) * 4, at.dGates + r0 * G * 4, at.dcPrev + r0 * H * 4,
    r1 - r0, H,
  ]];
}
