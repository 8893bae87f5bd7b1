// The LSTM and GRU cells and their backward on gpu.js: the gate activations, the new state and the gate gradients,
// each a kernel over the batch's rows, with results copied into the caller's views when it named them (Into).
import { type GruCellAttrs, type GruCellGradInputs, type GruCellGradOut, type GruCellOut, type Into, type LstmCellAttrs, type LstmCellGradInputs, type LstmCellGradOut, type LstmCellOut } from '../../kernels/kernel-map';
import { checkLengths } from '../cpu/lstm-cell';
import { delivered, type KernelCache } from './compile';
import { GRU_DGATES, GRU_DH_DIRECT, GRU_GATES, GRU_STATE, LSTM_CELL, LSTM_DC, LSTM_DC_PREV, LSTM_DGATES, LSTM_GATES } from './sources/recurrent';

export function recurrentKernels(call: KernelCache['call']) {
  return {
    LstmCell: (xp: Float32Array, hp: Float32Array, cPrev: Float32Array, at: LstmCellAttrs & Into<LstmCellOut>): LstmCellOut => {
      checkLengths('LstmCell', at, 4, [xp, hp], [cPrev]);
      const gn = at.batch * 4 * at.hidden, cn = at.batch * at.hidden;
      if (cn === 0) return { gates: new Float32Array(0), c: new Float32Array(0), h: new Float32Array(0) };
      const into = at.into ?? {};
      const gates = call(LSTM_GATES, gn, { hidden: at.hidden }, xp.subarray(0, gn), hp.subarray(0, gn));
      const c = call(LSTM_CELL, cn, { hidden: at.hidden, want: 0 }, gates, cPrev.subarray(0, cn));
      const h = call(LSTM_CELL, cn, { hidden: at.hidden, want: 1 }, gates, c);
      return { gates: delivered(gates, into.gates, 'LstmCell gates'), c: delivered(c, into.c, 'LstmCell c'), h: delivered(h, into.h, 'LstmCell h') };
    },
    LstmCellGrad: (inputs: LstmCellGradInputs, at: LstmCellAttrs & Into<LstmCellGradOut>): LstmCellGradOut => {
      checkLengths('LstmCellGrad', at, 4, [inputs.gates], [inputs.gOut, inputs.dhRec, inputs.dcIn, inputs.cPrev, inputs.c]);
      const gn = at.batch * 4 * at.hidden, cn = at.batch * at.hidden;
      if (cn === 0) return { dGates: new Float32Array(0), dcPrev: new Float32Array(0) };
      const [gOut, dhRec, dcIn, cPrev, c] = [inputs.gOut, inputs.dhRec, inputs.dcIn, inputs.cPrev, inputs.c].map((a) => a.subarray(0, cn));
      const g = inputs.gates.subarray(0, gn);
      const dc = call(LSTM_DC, cn, { hidden: at.hidden }, gOut, dhRec, dcIn, g, c);
      const dGates = call(LSTM_DGATES, gn, { hidden: at.hidden }, gOut, dhRec, g, cPrev, c, dc);
      const dcPrev = call(LSTM_DC_PREV, cn, { hidden: at.hidden }, dc, g);
      return { dGates: delivered(dGates, at.into?.dGates, 'LstmCellGrad dGates'), dcPrev: delivered(dcPrev, at.into?.dcPrev, 'LstmCellGrad dcPrev') };
    },
    GruCell: (xp: Float32Array, hp: Float32Array, hPrev: Float32Array, at: GruCellAttrs & Into<GruCellOut>): GruCellOut => {
      checkLengths('GruCell', at, 3, [xp, hp], [hPrev]);
      const gn = at.batch * 3 * at.hidden, cn = at.batch * at.hidden;
      if (cn === 0) return { gates: new Float32Array(0), h: new Float32Array(0) };
      const gates = call(GRU_GATES, gn, { hidden: at.hidden }, xp.subarray(0, gn), hp.subarray(0, gn));
      const h = call(GRU_STATE, cn, { hidden: at.hidden }, gates, hPrev.subarray(0, cn));
      return { gates: delivered(gates, at.into?.gates, 'GruCell gates'), h: delivered(h, at.into?.h, 'GruCell h') };
    },
    GruCellGrad: (inputs: GruCellGradInputs, at: GruCellAttrs & Into<GruCellGradOut>): GruCellGradOut => {
      checkLengths('GruCellGrad', at, 3, [inputs.gates], [inputs.gOut, inputs.dhRec, inputs.hn, inputs.hPrev]);
      const gn = at.batch * 3 * at.hidden, cn = at.batch * at.hidden;
      if (cn === 0) return { dX: new Float32Array(0), dHp: new Float32Array(0), dhDirect: new Float32Array(0) };
      const [gOut, dhRec, hn, hPrev] = [inputs.gOut, inputs.dhRec, inputs.hn, inputs.hPrev].map((a) => a.subarray(0, cn));
      const g = inputs.gates.subarray(0, gn);
      const side = (hiddenSide: number) => call(GRU_DGATES, gn, { hidden: at.hidden, hiddenSide }, gOut, dhRec, g, hn, hPrev);
      const into = at.into ?? {};
      return {
        dX: delivered(side(0), into.dX, 'GruCellGrad dX'),
        dHp: delivered(side(1), into.dHp, 'GruCellGrad dHp'),
        dhDirect: delivered(call(GRU_DH_DIRECT, cn, { hidden: at.hidden }, gOut, dhRec, g), into.dhDirect, 'GruCellGrad dhDirect'),
      };
    },
  };
}
