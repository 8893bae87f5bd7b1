// LstmCell, LstmCellGrad, GruCell and GruCellGrad on the wasm heap: the operands are copied in, the v128 gate loops
// run (batch rows split over the two threads when there is enough work), the results are copied out. A hidden size
// that is not a multiple of 4, or a tiny step, runs the reference loop.
import { intoTarget, type GruCellAttrs, type GruCellGradInputs, type GruCellGradOut, type GruCellOut, type Into, type LstmCellAttrs, type LstmCellGradInputs, type LstmCellGradOut, type LstmCellOut } from '../../kernels/kernel-map';
import { lengthsFit, lstmCell as cpuLstmCell, lstmCellGrad as cpuLstmCellGrad } from '../cpu/lstm-cell';
import { gruCell as cpuGruCell, gruCellGrad as cpuGruCellGrad } from '../cpu/gru-cell';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/** Below this many cells (B*H) the copies and the call cost more than the reference loop's whole run. */
const SMALL = 256;
/** Cells per step from which the rows are split over two threads (the forward loop takes ~10 ns a cell on one thread: ~80 us). */
const SPLIT_MIN = 8192;
/**
 * The same for GruCellGrad, which has no exp or tanh: at 64 x 128 cells one thread took 43-47 us, mostly copies,
 * and two threads 52-84 us.
 */
const GRU_GRAD_SPLIT_MIN = 8 * SPLIT_MIN;

/**
 * Whether the v128 loop takes this step: H a multiple of 4, enough cells, and every array long enough (else the
 * reference loop runs, and names a short array).
 */
const vectorizable = (at: LstmCellAttrs, gates: number, gateArrays: Float32Array[], cellArrays: Float32Array[]): boolean =>
  at.hidden % 4 === 0 && at.batch * at.hidden >= SMALL && lengthsFit(at, gates, gateArrays, cellArrays);

/**
 * Runs a row-wise cell function fn(inputs..., outputs..., rows, hidden) over `rows` batch rows: each input is an
 * array with its floats per row, copied into the heap; each output gets `width` floats per row of scratch. Rows are
 * split over the two threads from `splitMin` cells (rows * hidden). Returns the outputs' heap addresses.
 */
function runRows(rt: WasmRuntime, fn: number, rows: number, hidden: number, inputs: Array<[Float32Array, number]>, outputWidths: number[], splitMin = SPLIT_MIN): number[] {
  const heap = rt.heap;
  heap.reset();
  const ins = inputs.map(([a, width]): [number, number] => [heap.use(a.subarray(0, rows * width)), width]);
  const outs = outputWidths.map((width): [number, number] => [heap.alloc(rows * width), width]);
  const parts = rt.halves(rows, rows * hidden, splitMin).map(([r0, r1]): Call[] => [
    [fn, [...ins, ...outs].map(([addr, width]) => addr + r0 * width * 4).concat([r1 - r0, hidden])],
  ]);
  rt.runParts(parts);
  return outs.map(([addr]) => addr);
}

/** `floats` results at heap address `addr`, copied into the caller's target when it named one, else a fresh array. */
function deliver(rt: WasmRuntime, addr: number, floats: number, given: Float32Array | undefined, what: string): Float32Array {
  return rt.heap.copyOut(addr, floats, intoTarget(given, floats, what));
}

export function makeLstmCell(rt: WasmRuntime) {
  const fn = rt.fn('lstmCell');
  return function lstmCell(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, at: LstmCellAttrs & Into<LstmCellOut>): LstmCellOut {
    const { batch: B, hidden: H } = at;
    const G = 4 * H;
    if (!vectorizable(at, 4, [xp, hp], [cPrev])) return cpuLstmCell(xp, hp, cPrev, at);
    const [gates, c, h] = runRows(rt, fn, B, H, [[xp, G], [hp, G], [cPrev, H]], [G, H, H]);
    const into = at.into ?? {};
    return {
      gates: deliver(rt, gates, B * G, into.gates, 'LstmCell gates'),
      c: deliver(rt, c, B * H, into.c, 'LstmCell c'),
      h: deliver(rt, h, B * H, into.h, 'LstmCell h'),
    };
  };
}

export function makeLstmCellGrad(rt: WasmRuntime) {
  const fn = rt.fn('lstmCellGrad');
  return function lstmCellGrad(inputs: LstmCellGradInputs, at: LstmCellAttrs & Into<LstmCellGradOut>): LstmCellGradOut {
    const { gOut, dhRec, dcIn, gates, cPrev, c } = inputs;
    const { batch: B, hidden: H } = at;
    const G = 4 * H;
    if (!vectorizable(at, 4, [gates], [gOut, dhRec, dcIn, cPrev, c])) return cpuLstmCellGrad(inputs, at);
    const rows: Array<[Float32Array, number]> = [[gOut, H], [dhRec, H], [dcIn, H], [gates, G], [cPrev, H], [c, H]];
    const [dGates, dcPrev] = runRows(rt, fn, B, H, rows, [G, H]);
    return {
      dGates: deliver(rt, dGates, B * G, at.into?.dGates, 'LstmCellGrad dGates'),
      dcPrev: deliver(rt, dcPrev, B * H, at.into?.dcPrev, 'LstmCellGrad dcPrev'),
    };
  };
}

export function makeGruCell(rt: WasmRuntime) {
  const fn = rt.fn('gruCell');
  return function gruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, at: GruCellAttrs & Into<GruCellOut>): GruCellOut {
    const { batch: B, hidden: H } = at;
    const G = 3 * H;
    if (!vectorizable(at, 3, [xp, hp], [hPrev])) return cpuGruCell(xp, hp, hPrev, at);
    const [gates, h] = runRows(rt, fn, B, H, [[xp, G], [hp, G], [hPrev, H]], [G, H]);
    return { gates: deliver(rt, gates, B * G, at.into?.gates, 'GruCell gates'), h: deliver(rt, h, B * H, at.into?.h, 'GruCell h') };
  };
}

export function makeGruCellGrad(rt: WasmRuntime) {
  const fn = rt.fn('gruCellGrad');
  return function gruCellGrad(inputs: GruCellGradInputs, at: GruCellAttrs & Into<GruCellGradOut>): GruCellGradOut {
    const { gOut, dhRec, gates, hn, hPrev } = inputs;
    const { batch: B, hidden: H } = at;
    const G = 3 * H;
    if (!vectorizable(at, 3, [gates], [gOut, dhRec, hn, hPrev])) return cpuGruCellGrad(inputs, at);
    const [dX, dHp, dhDirect] = runRows(rt, fn, B, H, [[gOut, H], [dhRec, H], [gates, G], [hn, H], [hPrev, H]], [G, G, H], GRU_GRAD_SPLIT_MIN);
    return {
      dX: deliver(rt, dX, B * G, at.into?.dX, 'GruCellGrad dX'),
      dHp: deliver(rt, dHp, B * G, at.into?.dHp, 'GruCellGrad dHp'),
      dhDirect: deliver(rt, dhDirect, B * H, at.into?.dhDirect, 'GruCellGrad dhDirect'),
    };
  };
}
