// The GEMM driver over the wasm heap: C[m,n] = (or +=) op(A)·op(B) where each operand is described by its byte address
// and element strides, so transposed and strided operands (im2col columns, conv weights) need no copies; the
// packing routines absorb the layout. Loop order is Goto's: K blocks of KC, then M blocks of MC, then the
// macro-kernel over register tiles. With two threads C is cut into column (or, for narrow C, row) chunks that
// either thread claims; each C element is still computed by one thread in one order: deterministic.
import { CONTROL_BYTES } from './heap';
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
/**
 * A split GEMM is cut into about this many chunks (of at least MIN_CHUNK_PANELS column panels), one per thread; a
 * chunk is claimed by whichever thread is free, so a helper that wakes late leaves both to the main thread. More
 * chunks balance better but cost locality: each column chunk streams all of packed A again, and on two real cores
 * each half keeps its packed B in its own core's L2. Measured 2-thread MLP steps: on a Zen 3 VM whose two vCPUs share
 * a core (min of 3 s) 2 chunks 934-937 us, 4 chunks 945-948 us, 12 chunks 994-1001 us, fixed halves with A packed by
 * both threads 957-965 us; on a Zen 5 with two cores, 2 chunks against 4 in alternating 1 s windows 1.069-1.070x
 * (faster in 23 of 24), 8 chunks 0.983x, and with a busy process on one core 1.006x (the worry that made 4 the
 * choice); the LSTM, both CNNs, matmul-256 and matmul-512 unchanged (0.997-1.008x).
 */
const CHUNKS = 2;
const MIN_CHUNK_PANELS = 2;

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
  /** Add the product to what C holds; by default C is overwritten and need not be zeroed. */
  accumulate?: boolean;
  /**
   * Byte address of a bias for every row of C (n values, zero-padded to padCols(n)): C = bias + product, as addmm
   * computes it, the bias added in the kernel's first K block instead of written into every row of C beforehand.
   * Not with `accumulate`.
   */
  bias?: number;
}

/** Byte address of an operand's element (first, second): A's (row, k), B's (k, column). */
const elementAt = (op: Operand, first: number, second: number): number => op.addr + (first * op.s0 + second * op.s1) * 4;

export const padRows = (rt: WasmRuntime, m: number): number => Math.ceil(m / rt.variant.mr) * rt.variant.mr;
export const padCols = (n: number): number => Math.ceil(n / NR) * NR;

export function packCalls(rt: WasmRuntime, calls: Call[], src: number, sK: number, sW: number, kc: number, wide: number, w: number, dst: number): void {
  // Full panels go through a v128 copy (adjacent columns), a 4x4 register transpose (columns that run along k:
  // transposed B, row-major A; 72 -> 43 us for the MLP's 784x256 weight) or an unrolled gather; the last partial
  // panel through the general, zero-padding pack.
  const panels = Math.floor(wide / w);
  if (panels > 0 && sW === 1 && w % 4 === 0) calls.push([rt.fn(`packContig${w}`), [src, sK * 4, kc, panels, dst]]);
  else if (panels > 0 && sK === 1 && w % 4 === 0) calls.push([rt.fn(`packTrans${w}`), [src, sW * 4, kc, panels, dst]]);
  else if (panels > 0) calls.push([rt.fn(`packGather${w}`), [src, sK * 4, sW * 4, kc, panels, dst]]);
  const done = panels * w;
  if (done < wide) calls.push([rt.fn('pack'), [src + done * sW * 4, sK * 4, sW * 4, kc, wide - done, w, dst + done * kc * 4]]);
}

/** Operand blocks an earlier round of chunks packed, shared by the chunks that follow. */
interface Prepacked {
  /** Packed B per k block, all n columns (panel q of block kb at b[kb] + q * kc * NR floats). */
  b?: number[];
  /** Packed A per k block and MC row block, from row 0. */
  a?: number[][];
  /** Room for one MC-row block of packed A (aScratchFloats), when A is not prepacked: reused call after call. */
  aScratch?: number;
}

/** The k blocks [p0, kc]: as few as KC allows, of equal depth (k = 784 is 4 x 196, not 3 x 256 + 16). */
function kBlocks(k: number): Array<[number, number]> {
  const depth = Math.ceil(k / Math.ceil(k / KC));
  const out: Array<[number, number]> = [];
  for (let p0 = 0; p0 < k; p0 += depth) out.push([p0, Math.min(depth, k - p0)]);
  return out;
}

/** The calls computing C[i0:i1, j0:j1] (i0 a multiple of MC when A is prepacked, j0 of NR when B is). */
function partCalls(rt: WasmRuntime, k: number, a: Operand, b: Operand, c: Output, i0: number, i1: number, j0: number, j1: number, pre: Prepacked = {}): Call[] {
  const mr = rt.variant.mr;
  const calls: Call[] = [];
  const nw = j1 - j0;
  const pb = pre.b ? -1 : rt.heap.alloc(padCols(nw) * KC);
  const pa = pre.a ? -1 : (pre.aScratch ?? rt.heap.alloc(aScratchFloats(rt)));
  const macro = rt.fn('macro');
  const macroA = rt.fn('macroA');
  const nTiles = Math.ceil(nw / NR);
  const directA = !pre.a && nTiles <= DIRECT_A_MAX_TILES;
  kBlocks(k).forEach(([p0, kc], kb) => {
    const bBlock = pre.b ? pre.b[kb] + j0 * kc * 4 : pb;
    if (!pre.b) packCalls(rt, calls, elementAt(b, p0, j0), b.s0, b.s1, kc, nw, NR, pb);
    const acc = p0 > 0 || c.accumulate ? 1 : c.bias !== undefined ? c.bias + j0 * 4 : 0;
    for (let ic = i0; ic < i1; ic += MC) {
      const mc = Math.min(MC, i1 - ic);
      const cBlock = c.addr + (ic * c.ldc + j0) * 4;
      if (pre.a) {
        calls.push([macro, [Math.ceil(mc / mr), nTiles, kc, pre.a[kb][ic / MC], bBlock, cBlock, c.ldc * 4, acc]]);
        continue;
      }
      const aBlock = elementAt(a, ic, p0);
      // Full row tiles read A in place when it is used by too few column tiles to repay packing it; the last,
      // partial tile is always packed (packing pads it with zeros instead of reading past A's last row).
      const direct = directA ? Math.floor(mc / mr) : 0;
      if (direct > 0) calls.push([macroA, [direct, nTiles, kc, aBlock, a.s0 * 4, a.s1 * 4, bBlock, cBlock, c.ldc * 4, acc]]);
      if (direct * mr < mc) {
        const r0 = direct * mr;
        packCalls(rt, calls, aBlock + r0 * a.s0 * 4, a.s1, a.s0, kc, mc - r0, mr, pa);
        calls.push([macro, [Math.ceil((mc - r0) / mr), nTiles, kc, pa, bBlock, cBlock + r0 * c.ldc * 4, c.ldc * 4, acc]]);
      }
    }
  });
  return calls;
}

/** Floats of scratch that rowCalls packs A's panels into. */
export const aScratchFloats = (rt: WasmRuntime): number => (MC + rt.variant.mr) * KC;

/** B packed once, per k block, for GEMMs that share it (planGemm's row chunks, rowCalls): the blocks and the calls. */
export function packB(rt: WasmRuntime, k: number, n: number, b: Operand): { blocks: number[]; calls: Call[][] } {
  const ks = kBlocks(k);
  const blocks = ks.map(([, kc]) => rt.heap.alloc(padCols(n) * kc));
  const calls = ks.map(([p0, kc], kb) => {
    const block: Call[] = [];
    packCalls(rt, block, elementAt(b, p0, 0), b.s0, b.s1, kc, n, NR, blocks[kb]);
    return block;
  });
  return { blocks, calls };
}

/**
 * The calls computing rows [i0, i1) of C = op(A)·B (all n columns), B packed by packB, A's panels packed into
 * `aScratch`: the same tiles, in the same order, as gemm computes them, so the same bits. i0 must be a multiple of
 * the tile height (the last tile writes C's padded rows up to the next multiple).
 */
export function rowCalls(rt: WasmRuntime, k: number, n: number, a: Operand, c: Output, i0: number, i1: number, packedB: number[], aScratch: number): Call[] {
  if (i0 % rt.variant.mr !== 0) throw new Error(`rowCalls: first row ${i0} is not a multiple of the tile height ${rt.variant.mr}`);
  return partCalls(rt, k, a, { addr: 0, s0: 0, s1: 0 }, c, i0, i1, 0, n, { b: packedB, aScratch });
}

/**
 * Plans built per runtime, by everything a plan depends on. Training calls the same GEMMs every step with the same
 * addresses (resident parameters, scratch reset to the same top), and building the calls in JavaScript cost ~8 us
 * of a 330 us two-thread MLP GEMM; a hit returns the same rounds object, whose command encoding the helper keeps
 * too (Helper.runRounds).
 */
const plans = new WeakMap<WasmRuntime, Map<string, Plan>>();
/** Distinct plans kept per runtime before the cache starts over (an LSTM step uses a few dozen). */
const PLAN_LIMIT = 512;

interface Plan {
  rounds: Call[][][];
  /** One part that this thread runs in order (one thread, or too little work to hand off), not claimable chunks. */
  parts: boolean;
}

/** C = op(A)·op(B) (or C += with `accumulate`), C padded as `Output` says. */
export function gemm(rt: WasmRuntime, m: number, n: number, k: number, a: Operand, b: Operand, c: Output): void {
  if (m === 0 || n === 0) return;
  if (c.bias !== undefined && (c.accumulate || c.bias < CONTROL_BYTES)) throw new Error(`gemm: a bias at ${c.bias} with accumulate ${!!c.accumulate}`);
  if (k === 0) {
    if (c.bias !== undefined) rt.call(rt.fn('repeatRow'), [c.bias, c.addr, padRows(rt, m), padCols(n) * 4, c.ldc * 4]);
    else if (!c.accumulate) rt.heap.zero(c.addr, padRows(rt, m) * c.ldc);
    return;
  }
  const mark = rt.heap.mark();
  try {
    // The plan's scratch (packed panels) is bump-allocated from `mark`, so the same key means the same addresses.
    const key = `${m},${n},${k},${a.addr},${a.s0},${a.s1},${b.addr},${b.s0},${b.s1},${c.addr},${c.ldc},${c.accumulate ? 1 : 0},${c.bias ?? -1},${mark}`;
    let cache = plans.get(rt);
    if (!cache) plans.set(rt, (cache = new Map()));
    // A hit needs no allocation: the memory only grows, so the plan's scratch is still there.
    let plan = cache.get(key);
    if (!plan) {
      if (cache.size >= PLAN_LIMIT) cache.clear();
      plan = planGemm(rt, m, n, k, a, b, c);
      cache.set(key, plan);
    }
    if (plan.parts) rt.runParts(plan.rounds[0]);
    else rt.runRounds(plan.rounds, true);
  } finally {
    rt.heap.release(mark);
  }
}

function planGemm(rt: WasmRuntime, m: number, n: number, k: number, a: Operand, b: Operand, c: Output): Plan {
  const mr = rt.variant.mr;
  if (rt.threads < 2 || m * n * k < SPLIT_MIN) return { rounds: [[partCalls(rt, k, a, b, c, 0, m, 0, n)]], parts: true };
  // Two rounds of chunks in one job, each chunk claimed by whichever thread is free: first the operand both threads
  // share is packed once, block by block; then C is computed in column chunks (wide C) or row chunks (narrow C).
  const blocks = kBlocks(k);
  const panels = Math.ceil(n / NR);
  const rowTiles = Math.ceil(m / mr);
  if (panels >= 2 * 4 || panels >= rowTiles) {
    const packedA = blocks.map(([, kc]) => {
      const out: number[] = [];
      for (let ic = 0; ic < m; ic += MC) out.push(rt.heap.alloc(padRows(rt, Math.min(MC, m - ic)) * kc));
      return out;
    });
    const packs: Call[][] = [];
    blocks.forEach(([p0, kc], kb) => {
      for (let ic = 0; ic < m; ic += MC) {
        const calls: Call[] = [];
        packCalls(rt, calls, elementAt(a, ic, p0), a.s1, a.s0, kc, Math.min(MC, m - ic), mr, packedA[kb][ic / MC]);
        packs.push(calls);
      }
    });
    const per = Math.max(MIN_CHUNK_PANELS, Math.ceil(panels / CHUNKS));
    const chunks: Call[][] = [];
    for (let q = 0; q < panels; q += per) chunks.push(partCalls(rt, k, a, b, c, 0, m, q * NR, Math.min(n, (q + per) * NR), { a: packedA }));
    return { rounds: [packs, chunks], parts: false };
  }
  const { blocks: packedB, calls: packs } = packB(rt, k, n, b);
  const per = Math.max(1, Math.ceil(rowTiles / CHUNKS)) * mr;
  const chunks: Call[][] = [];
  for (let i0 = 0; i0 < m; i0 += per) chunks.push(partCalls(rt, k, a, b, c, i0, Math.min(m, i0 + per), 0, n, { b: packedB }));
  return { rounds: [packs, chunks], parts: false };
}
