// The LSTM recurrence on two threads, split by batch rows. Row b's states depend only on row b's states of the step
// before (h_t = cell(x_t + h_{t-1}·W_hhᵀ, c_{t-1}) row by row, and backward likewise), so a thread can run the whole
// sequence for a range of rows, GEMM and cell, and the threads meet once per sequence instead of two or three
// times per step. Splitting each step instead (the GEMM's columns, then the cell's rows) gained little over one
// thread on the bench's LSTM(28, 128) at batch 64: each recurrent GEMM is 4.2M multiply-adds, about what a
// hand-off costs to save. W_hh is packed once, in a first round, and shared by every range.
//
// Each range runs the same tiles in the same order as the one-thread fused path (rowCalls computes a row range of
// the GEMM exactly as gemm does; the cell loops are row by row), so the results are the same bits on one thread
// and two. The caller (lstm-sequence.ts) owns the heap blocks and copies inputs in and results out.
import { aScratchFloats, packB, rowCalls } from './gemm';
import { cellCall, cellGradCall } from './lstm-step-calls';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/**
 * How many row ranges the batch is cut into, each claimed by whichever thread is free (Helper.runRounds): with two
 * fixed halves a thread that wakes late or shares its core leaves the other waiting for its whole half. Each range
 * streams the packed W_hh (256 KB on the bench's LSTM, in L2) once per step, so many small ranges cost locality.
 */
const PARTS = 4;

/**
 * The batch's row ranges, each but the last a whole number of GEMM tiles; null when there is no helper thread or
 * the batch has fewer than two tiles' rows.
 */
export function batchParts(rt: WasmRuntime, batch: number): Array<[number, number]> | null {
  const mr = rt.variant.mr;
  const rows = Math.max(mr, Math.ceil(batch / PARTS / mr) * mr);
  if (rt.threads < 2 || rows >= batch) return null;
  const out: Array<[number, number]> = [];
  for (let r0 = 0; r0 < batch; r0 += rows) out.push([r0, Math.min(batch, r0 + rows)]);
  return out;
}

/** Heap addresses of the forward's blocks (bytes). */
export interface ForwardBlocks {
  /** All T steps' input projections [T, B, 4H]. */
  x: number;
  /** W_hh [4H, H]. */
  w: number;
  /** b_hh [4H] zero-padded to whole column tiles, or undefined. */
  bias: number | undefined;
  /** h and c for slots 0..T, [T+1, B, H] each (slot 0 holds h0 and c0). */
  hs: number;
  cs: number;
  /** The saved gates [T, B, 4H]. */
  gates: number;
  /** The hidden projection of one step, [padRows(B), 4H]. */
  hp: number;
}

/** Runs the forward recurrence on both threads, each range of rows in `parts` as one chunk. */
export function forwardSplit(rt: WasmRuntime, T: number, B: number, H: number, at: ForwardBlocks, parts: Array<[number, number]>): void {
  const G = 4 * H, BH = B * H;
  const cell = rt.fn('lstmCell');
  // hp = b_hh + h_t·W_hhᵀ: W_hhᵀ as B [H, 4H] (element (k, j) at j*H + k).
  const packed = packB(rt, H, G, { addr: at.w, s0: 1, s1: H });
  const range = ([r0, r1]: [number, number]): Call[] => {
    const scratch = rt.heap.alloc(aScratchFloats(rt));
    const calls: Call[] = [];
    for (let t = 0; t < T; t++) {
      const a = { addr: at.hs + t * BH * 4, s0: H, s1: 1 };
      calls.push(...rowCalls(rt, H, G, a, { addr: at.hp, ldc: G, bias: at.bias }, r0, r1, packed.blocks, scratch));
      calls.push(cellCall(cell, B, H, t, [r0, r1], { x: at.x + t * B * G * 4, hp: at.hp, gates: at.gates + t * B * G * 4, hs: at.hs, cs: at.cs }));
    }
    return calls;
  };
  rt.runRounds([packed.calls, parts.map(range)]);
}

/** Heap addresses of the backward's blocks (bytes). */
export interface BackwardBlocks {
  /** dL/dh_t and, in slot T, dL/dc_T: [T+1, B, H]. */
  g: number;
  w: number;
  /** c for slots 0..T. */
  cs: number;
  /** The saved gates [T, B, 4H]. */
  gates: number;
  /** Out: the gate gradients [T, B, 4H]. */
  dGates: number;
  /** The recurrent dh, [padRows(B), H], zero on entry. */
  dh: number;
  /** dc ping-pong buffers [B, H]; the first holds dL/dc_T on entry. */
  dcs: [number, number];
}

/** Runs the backward recurrence likewise; returns which dc buffer holds dL/dc_0. */
export function backwardSplit(rt: WasmRuntime, T: number, B: number, H: number, at: BackwardBlocks, parts: Array<[number, number]>): number {
  const G = 4 * H;
  const grad = rt.fn('lstmCellGrad');
  // dh_{t-1} = dGates_t · W_hh ([B, 4H] x [4H, H]).
  const packed = packB(rt, G, H, { addr: at.w, s0: H, s1: 1 });
  const range = ([r0, r1]: [number, number]): Call[] => {
    const scratch = rt.heap.alloc(aScratchFloats(rt));
    const calls: Call[] = [];
    for (let t = T - 1; t >= 0; t--) {
      // The dc buffers swap every step, the first holding dL/dc_T.
      const k = (T - 1 - t) % 2;
      const step = { g: at.g, dh: at.dh, dcIn: at.dcs[k], dcPrev: at.dcs[1 - k], gates: at.gates + t * B * G * 4, cs: at.cs, dGates: at.dGates + t * B * G * 4 };
      calls.push(cellGradCall(grad, B, H, t, [r0, r1], step));
      const a = { addr: at.dGates + t * B * G * 4, s0: G, s1: 1 };
      calls.push(...rowCalls(rt, G, H, a, { addr: at.dh, ldc: H }, r0, r1, packed.blocks, scratch));
    }
    return calls;
  };
  rt.runRounds([packed.calls, parts.map(range)]);
  return T % 2;
}
