// The GEMM driver over the wasm heap: C[m,n] = (or +=) op(A)·op(B) where each operand is described by its byte address
// and element strides, so transposed and strided operands (im2col columns, conv weights) need no copies; the
// packing routines absorb the layout. Loop order is Goto's: K blocks of KC, then M blocks of MC, then the
// macro-kernel over register tiles. With two threads the columns (or, for narrow C, the rows) are split in two
// fixed halves, so each C element is always computed by one thread in one order: deterministic.
import type { Call } from './threads';
import { NR } from './tile-step';
import type { WasmRuntime } from './runtime';

const KC = 256;
const MC = 96;
/**
 * Below this many multiply-adds (~0.1 ms of work) the hand-off costs more than it saves: a sleeping helper takes
 * ~12 µs to wake, and far longer when the machine is busy (128³ ran slower on two threads than on one).
 */
const SPLIT_MIN = 1 << 22;

/**
 * Up to this many column tiles (n <= 64) the macro-kernel reads A in place: packing A costs a pass over it that
 * only pays off when many column tiles reuse the packed copy. Measured on one thread: 64x256x10 (a classifier
 * layer) 30 -> 24 us, 64x512x32 77 -> 67 us; at n = 256 and above reading A in place was 3-10% slower.
 */
const DIRECT_A_MAX_TILES = 8;

export interface Operand {
  addr: number;
  /** Element stride along the first index (rows of A, the k index of B). */
  s0: number;
  /** Element stride along the second index. */
  s1: number;
}

/** C is padded: rows up to a multiple of the tile height, `ldc` >= n rounded up to 8 columns. */
export interface Output {
  addr: number;
  ldc: number;
  /** Add the product to what C holds (e.g. a bias); by default C is overwritten and need not be zeroed. */
  accumulate?: boolean;
}

export const padRows = (rt: WasmRuntime, m: number): number => Math.ceil(m / rt.variant.mr) * rt.variant.mr;
export const padCols = (n: number): number => Math.ceil(n / NR) * NR;

export function packCalls(rt: WasmRuntime, calls: Call[], src: number, sK: number, sW: number, kc: number, wide: number, w: number, dst: number): void {
  // Full panels go through a v128 copy (adjacent columns), a 4x4 register transpose (columns that run along k:
  // transposed B, row-major A; 72 -> 43 us for the MLP's 784x256 weight) or an unrolled gather; the last partial
  // panel through the general, zero-padding pack.
  const panels = Math.floor(wide / w);
  if (panels > 0 && sW === 1 && w % 4 === 0) calls.push([rt.fn('packContig'), [src, sK * 4, kc, panels, w / 4, dst]]);
  else if (panels > 0 && sK === 1 && w % 4 === 0) calls.push([rt.fn(`packTrans${w}`), [src, sW * 4, kc, panels, dst]]);
  else if (panels > 0) calls.push([rt.fn(`packGather${w}`), [src, sK * 4, sW * 4, kc, panels, dst]]);
  const done = panels * w;
  if (done < wide) calls.push([rt.fn('pack'), [src + done * sW * 4, sK * 4, sW * 4, kc, wide - done, w, dst + done * kc * 4]]);
}

function partCalls(rt: WasmRuntime, k: number, a: Operand, b: Operand, c: Output, i0: number, i1: number, j0: number, j1: number, scratch: number): Call[] {
  const mr = rt.variant.mr;
  const calls: Call[] = [];
  const nw = j1 - j0;
  const pb = scratch;
  const pa = pb + padCols(nw) * KC * 4;
  const macro = rt.fn('macro');
  const macroA = rt.fn('macroA');
  const nTiles = Math.ceil(nw / NR);
  const directA = nTiles <= DIRECT_A_MAX_TILES;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    packCalls(rt, calls, b.addr + (p0 * b.s0 + j0 * b.s1) * 4, b.s0, b.s1, kc, nw, NR, pb);
    const acc = p0 > 0 || c.accumulate ? 1 : 0;
    for (let ic = i0; ic < i1; ic += MC) {
      const mc = Math.min(MC, i1 - ic);
      const aBlock = a.addr + (ic * a.s0 + p0 * a.s1) * 4;
      const cBlock = c.addr + (ic * c.ldc + j0) * 4;
      // Full row tiles read A in place when it is used by too few column tiles to repay packing it; the last,
      // partial tile is always packed (packing pads it with zeros instead of reading past A's last row).
      const direct = directA ? Math.floor(mc / mr) : 0;
      if (direct > 0) calls.push([macroA, [direct, nTiles, kc, aBlock, a.s0 * 4, a.s1 * 4, pb, cBlock, c.ldc * 4, acc]]);
      if (direct * mr < mc) {
        const r0 = direct * mr;
        packCalls(rt, calls, aBlock + r0 * a.s0 * 4, a.s1, a.s0, kc, mc - r0, mr, pa);
        calls.push([macro, [Math.ceil((mc - r0) / mr), nTiles, kc, pa, pb, cBlock + r0 * c.ldc * 4, c.ldc * 4, acc]]);
      }
    }
  }
  return calls;
}

/** C = op(A)·op(B) (or C += with `accumulate`), C padded as `Output` says. */
export function gemm(rt: WasmRuntime, m: number, n: number, k: number, a: Operand, b: Operand, c: Output): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!c.accumulate) rt.heap.f32.fill(0, c.addr >> 2, (c.addr >> 2) + padRows(rt, m) * c.ldc);
    return;
  }
  const mark = rt.heap.mark();
  try {
    gemmParts(rt, m, n, k, a, b, c);
  } finally {
    rt.heap.release(mark);
  }
}

function gemmParts(rt: WasmRuntime, m: number, n: number, k: number, a: Operand, b: Operand, c: Output): void {
  const mr = rt.variant.mr;
  const scratchFloats = (cols: number): number => padCols(cols) * KC + (MC + mr) * KC;
  const split = rt.threads > 1 && m * n * k >= SPLIT_MIN;
  const panels = Math.ceil(n / NR);
  if (!split) {
    const s = rt.heap.alloc(scratchFloats(n));
    rt.runParts([partCalls(rt, k, a, b, c, 0, m, 0, n, s)]);
    return;
  }
  if (panels >= 2 * 4 || panels >= Math.ceil(m / mr)) {
    const jm = Math.ceil(panels / 2) * NR;
    const s0 = rt.heap.alloc(scratchFloats(jm));
    const s1 = rt.heap.alloc(scratchFloats(n - jm));
    rt.runParts([partCalls(rt, k, a, b, c, 0, m, 0, jm, s0), partCalls(rt, k, a, b, c, 0, m, jm, n, s1)]);
  } else {
    const im = Math.ceil(Math.ceil(m / mr) / 2) * mr;
    const s0 = rt.heap.alloc(scratchFloats(n));
    const s1 = rt.heap.alloc(scratchFloats(n));
    rt.runParts([partCalls(rt, k, a, b, c, 0, im, 0, n, s0), partCalls(rt, k, a, b, c, im, m, 0, n, s1)]);
  }
}
