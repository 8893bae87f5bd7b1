// LstmCell, LstmCellGrad and GruCell on the wasm heap: the operands are copied in, the v128 gate loops run (batch
// rows split over the two threads when there is enough work), the results are copied out. A hidden size that is not
// a multiple of 4, or a tiny step, runs the reference loop.
import { intoTarget, type GruCellAttrs, type GruCellOut, type Into, type LstmCellAttrs, type LstmCellGradInputs, type LstmCellGradOut, type LstmCellOut } from '../../kernels/kernel-map';
import { lstmCell as cpuLstmCell, lstmCellGrad as cpuLstmCellGrad } from '../cpu/lstm-cell';
import { gruCell as cpuGruCell } from '../cpu/gru-cell';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/** Below this many cells (B*H) the copies and the call cost more than the reference loop's whole run. */
const SMALL = 256;
/** Cells per step from which the rows are split over two threads (the forward loop takes ~12 ns a cell on one thread: ~100 us). */
const SPLIT_MIN = 8192;

const vectorizable = (at: LstmCellAttrs): boolean => at.hidden % 4 === 0 && at.batch * at.hidden >= SMALL;

/** `floats` results at heap address `addr`, copied into the caller's target when it named one, else a fresh array. */
function deliver(rt: WasmRuntime, addr: number, floats: number, given: Float32Array | undefined, what: string): Float32Array {
  const target = intoTarget(given, floats, what);
  if (!target) return rt.heap.copyOut(addr, floats);
  target.set(rt.heap.f32.subarray(addr >> 2, (addr >> 2) + floats));
  return target;
}

export function makeLstmCell(rt: WasmRuntime) {
  const fn = rt.fn('lstmCell');
  return function lstmCell(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, at: LstmCellAttrs & Into<LstmCellOut>): LstmCellOut {
    const { batch: B, hidden: H } = at;
    const G = 4 * H;
    if (!vectorizable(at) || xp.length < B * G || hp.length < B * G || cPrev.length < B * H) return cpuLstmCell(xp, hp, cPrev, at);
    const heap = rt.heap;
    heap.reset();
    const xA = heap.use(xp.subarray(0, B * G));
    const hA = heap.use(hp.subarray(0, B * G));
    const cA = heap.use(cPrev.subarray(0, B * H));
    const gOut = heap.alloc(B * G), cOut = heap.alloc(B * H), hOut = heap.alloc(B * H);
    const parts = rt.halves(B, B * H, SPLIT_MIN).map(([r0, r1]): Call[] => [
      [fn, [xA + r0 * G * 4, hA + r0 * G * 4, cA + r0 * H * 4, gOut + r0 * G * 4, cOut + r0 * H * 4, hOut + r0 * H * 4, r1 - r0, H]],
    ]);
    rt.runParts(parts);
    const into = at.into ?? {};
    return {
      gates: deliver(rt, gOut, B * G, into.gates, 'LstmCell gates'),
      c: deliver(rt, cOut, B * H, into.c, 'LstmCell c'),
      h: deliver(rt, hOut, B * H, into.h, 'LstmCell h'),
    };
  };
}

export function makeLstmCellGrad(rt: WasmRuntime) {
  const fn = rt.fn('lstmCellGrad');
  return function lstmCellGrad(inputs: LstmCellGradInputs, at: LstmCellAttrs & Into<LstmCellGradOut>): LstmCellGradOut {
    const { gOut, dhRec, dcIn, gates, cPrev, c } = inputs;
    const { batch: B, hidden: H } = at;
    const G = 4 * H;
    const cells = [gOut, dhRec, dcIn, cPrev, c];
    if (!vectorizable(at) || gates.length < B * G || cells.some((a) => a.length < B * H)) {
      return cpuLstmCellGrad(inputs, at);
    }
    const heap = rt.heap;
    heap.reset();
    const [goA, dhA, dcA, cpA, cA] = cells.map((a) => heap.use(a.subarray(0, B * H)));
    const gA = heap.use(gates.subarray(0, B * G));
    const dG = heap.alloc(B * G), dcO = heap.alloc(B * H);
    const parts = rt.halves(B, B * H, SPLIT_MIN).map(([r0, r1]): Call[] => {
      const cell = r0 * H * 4, gate = r0 * G * 4;
      return [[fn, [goA + cell, dhA + cell, dcA + cell, gA + gate, cpA + cell, cA + cell, dG + gate, dcO + cell, r1 - r0, H]]];
    });
    rt.runParts(parts);
    return {
      dGates: deliver(rt, dG, B * G, at.into?.dGates, 'LstmCellGrad dGates'),
      dcPrev: deliver(rt, dcO, B * H, at.into?.dcPrev, 'LstmCellGrad dcPrev'),
    };
  };
}

export function makeGruCell(rt: WasmRuntime) {
  const fn = rt.fn('gruCell');
  return function gruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, at: GruCellAttrs & Into<GruCellOut>): GruCellOut {
    const { batch: B, hidden: H } = at;
    const G = 3 * H;
    if (!vectorizable(at) || xp.length < B * G || hp.length < B * G || hPrev.length < B * H) return cpuGruCell(xp, hp, hPrev, at);
    const heap = rt.heap;
    heap.reset();
    const xA = heap.use(xp.subarray(0, B * G));
    const hA = heap.use(hp.subarray(0, B * G));
    const pA = heap.use(hPrev.subarray(0, B * H));
    const gOut = heap.alloc(B * G), hOut = heap.alloc(B * H);
    const parts = rt.halves(B, B * H, SPLIT_MIN).map(([r0, r1]): Call[] => [
      [fn, [xA + r0 * G * 4, hA + r0 * G * 4, pA + r0 * H * 4, gOut + r0 * G * 4, hOut + r0 * H * 4, r1 - r0, H]],
    ]);
    rt.runParts(parts);
    return { gates: deliver(rt, gOut, B * G, at.into?.gates, 'GruCell gates'), h: deliver(rt, hOut, B * H, at.into?.h, 'GruCell h') };
  };
}
