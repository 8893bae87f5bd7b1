// The inner step every register-tiled kernel shares (the GEMM micro-kernel and the direct convolution tiles): with
// the two B vectors of one k already loaded, broadcast each of the MR packed A values and multiply-add them into
// the MR x 2 accumulators, then advance the packed A pointer.
import type { Fn } from './emitter';

/** The register tile's shape, chosen per V8 version (runtime.ts). */
export interface KernelVariant {
  /** Rows of the register tile (4 with separate mul+add, 6 with FMA). */
  mr: number;
  /** Use relaxed-SIMD f32x4.relaxed_madd. */
  fma: boolean;
}

/** Columns of the register tile: the two B vectors of one k. */
export const NR = 8;

/** Registers of one tile: `acc` holds 2*mr v128 locals (row r in acc[2r], acc[2r+1]); b0, b1 and a are v128 locals. */
export interface TileRegs {
  acc: number[];
  b0: number;
  b1: number;
  a: number;
  /** i32 local: the packed A pointer. */
  pa: number;
}

/** Declares the tile's v128 locals (accumulators, B pair, A broadcast) on `f`. */
export function tileLocals(f: Fn, v: KernelVariant, pa: number): TileRegs {
  const acc: number[] = [];
  for (let i = 0; i < v.mr * 2; i++) acc.push(f.local('v128'));
  return { acc, b0: f.local('v128'), b1: f.local('v128'), a: f.local('v128'), pa };
}

/**
 * One k step. By default A is packed (MR values of one k side by side, then the pointer moves on by MR floats);
 * `rowOffsets` instead reads A where it lies: row 0's value at pa, row r's at pa + rowOffsets[r - 1] (i32 locals
 * holding byte offsets), and `kBytes` (an i32 local) is how far the pointer moves per k.
 */
export function emitTileStep(f: Fn, v: KernelVariant, t: TileRegs, direct?: { rowOffsets: number[]; kBytes: number }): void {
  // (Loading all MR broadcasts first measured the same: V8 schedules them alike.)
  for (let r = 0; r < v.mr; r++) {
    if (!direct) f.get(t.pa).load32Splat(4 * r).set(t.a);
    else if (r === 0) f.get(t.pa).load32Splat(0).set(t.a);
    else f.get(t.pa).get(direct.rowOffsets[r - 1]).i32Add().load32Splat(0).set(t.a);
    for (let h = 0; h < 2; h++) {
      const x = t.acc[2 * r + h];
      if (v.fma) f.get(t.a).get(h ? t.b1 : t.b0).get(x).f32x4RelaxedMadd().set(x);
      else f.get(x).get(t.a).get(h ? t.b1 : t.b0).f32x4Mul().f32x4Add().set(x);
    }
  }
  if (direct) f.get(t.pa).get(direct.kBytes).i32Add().set(t.pa);
  else f.get(t.pa).i32(4 * v.mr).i32Add().set(t.pa);
}
