// MatMul on the wasm GEMM: operands are used in place when resident (parameters), else copied into the shared
// heap once (B once for a broadcast batch);
// transposes are expressed as strides and absorbed by packing, and C is copied out without its padding.
import type { MatMulAttrs } from '../../kernels/kernel-map';
import { gemm, padCols, padRows, type Operand } from './gemm';
import type { WasmRuntime } from './runtime';
import { markFinite } from '../../finite';
import { matMul as cpuMatMul } from '../cpu/matmul';

/**
 * Below this many multiply-adds per matrix the fixed cost of a wasm GEMM (copies, packing calls, ~8 µs) exceeds
 * the plain loop's whole run time (measured crossover near 16x16x16).
 */
const SMALL = 16 * 16 * 16;

/**
 * A tall, narrow C (m >= NARROW_RATIO * n, n <= NARROW_N) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ and transposed into
 * place when it is at least NARROW_MIN multiply-adds over at least NARROW_K steps (the transpose is a JavaScript
 * loop of ~4 ns an element: with k = 64, an [8000, 50] C took 3.4 ms that way against 2.5 ms directly). The LSTM's
 * input-weight gradient dW_ih [512, 28] = dGatesᵀ·x (k = 1792 on the bench) had 4 column tiles, the last half empty,
 * and read dGatesᵀ in place with a 2 KB stride per k; as Cᵀ [28, 512] it is 7 full row tiles by 64 column tiles
 * over packed panels: 2.4-3.5 -> 1.8-2.4 ms a call on one thread (operands copied in). Every element is the same
 * products summed in the same order over the same k blocks, so the bits do not change.
 */
const NARROW_N = 64;
const NARROW_RATIO = 8;
const NARROW_MIN = 1 << 20;
const NARROW_K = 256;

/** A (stored [M,K], or [K,M] when transposed) at byte address `addr`, as the GEMM's strided operand. */
const operandA = (addr: number, at: MatMulAttrs): Operand => (at.transA ? { addr, s0: 1, s1: at.m } : { addr, s0: at.k, s1: 1 });
/** B (stored [K,N], or [N,K] when transposed) at byte address `addr`. */
const operandB = (addr: number, at: MatMulAttrs): Operand => (at.transB ? { addr, s0: 1, s1: at.k } : { addr, s0: at.n, s1: 1 });

export function makeMatMul(rt: WasmRuntime) {
  return function matMul(a: Float32Array, b: Float32Array, at: MatMulAttrs): Float32Array {
    const { m, k, n } = at;
    const batch = at.batch ?? 1;
    const bCount = at.broadcastB ? 1 : batch;
    if (a.length < batch * m * k) throw new Error(`MatMul: A has ${a.length} elements, expected ${batch * m * k}.`);
    if (b.length < bCount * k * n) throw new Error(`MatMul: B has ${b.length} elements, too few.`);
    if (at.bias && batch > 1) throw new Error('MatMul: a bias is only supported without a batch.');
    if (m * n * k < SMALL) return cpuMatMul(a, b, at);
    const heap = rt.heap;
    heap.reset();
    const aAddr = heap.use(a.subarray(0, batch * m * k));
    const bAddr = heap.use(b.subarray(0, bCount * k * n));
    const ldc = padCols(n);
    const rows = padRows(rt, m);
    if (at.out && batch === 1 && ldc === n && heap.residentFloats(at.out) >= rows * n) {
      return intoResident(at.out, aAddr, bAddr, at);
    }
    if (batch === 1 && !at.bias && n <= NARROW_N && m >= NARROW_RATIO * n && k >= NARROW_K && m * n * k >= NARROW_MIN) return transposedC(aAddr, bAddr, at);
    // During a backward pass an unpadded C is written straight into the pass arena and handed out as it lies.
    const inArena = batch === 1 && ldc === n ? heap.arena.take(rows * ldc) : -1;
    if (inArena >= 0) return intoArena(inArena, aAddr, bAddr, at);
    const out = heap.output(batch * m * n);
    const cAddr = heap.alloc(rows * ldc);
    const bias = biasIn(at);
    let finite = true;
    for (let t = 0; t < batch; t++) {
      const aOff = aAddr + t * m * k * 4;
      const bOff = bAddr + (at.broadcastB ? 0 : t * k * n * 4);
      gemm(rt, m, n, k, operandA(aOff, at), operandB(bOff, at), { addr: cAddr, ldc, bias });
      finite &&= rt.finiteRegion(cAddr, m, n, ldc);
      const f32 = heap.f32;
      const c0 = cAddr >> 2;
      if (ldc === n) out.set(f32.subarray(c0, c0 + m * n), t * m * n);
      else if (n >= 32) for (let i = 0; i < m; i++) out.set(f32.subarray(c0 + i * ldc, c0 + i * ldc + n), (t * m + i) * n);
      else {
        // Narrow rows (a classifier's 10 logits): a view per row would cost more than copying the values.
        let o = t * m * n;
        for (let i = 0; i < m; i++) for (let j = c0 + i * ldc, e = j + n; j < e; j++) out[o++] = f32[j];
      }
    }
    return finite ? markFinite(out) : out;
  };

  /** C computed as Cᵀ = op(B)ᵀ·op(A)ᵀ in scratch, then transposed into the output (see NARROW_N). */
  function transposedC(aAddr: number, bAddr: number, at: MatMulAttrs): Float32Array {
    const { m, k, n } = at;
    const heap = rt.heap;
    const a = operandA(aAddr, at), b = operandB(bAddr, at);
    const ldt = padCols(m);
    const t = heap.alloc(padRows(rt, n) * ldt);
    // op(B)ᵀ [n, k]: row j, step p at op(B)'s (p, j); op(A)ᵀ [k, m]: step p, column i at op(A)'s (i, p).
    gemm(rt, n, m, k, { addr: b.addr, s0: b.s1, s1: b.s0 }, { addr: a.addr, s0: a.s1, s1: a.s0 }, { addr: t, ldc: ldt });
    const finite = rt.finiteRegion(t, n, m, ldt);
    const out = heap.output(m * n);
    const f32 = heap.f32;
    for (let j = 0; j < n; j++) for (let i = 0, src = (t >> 2) + j * ldt, o = j; i < m; i++, o += n) out[o] = f32[src + i];
    return finite ? markFinite(out) : out;
  }

  /** The bias in the heap, zero-padded to whole column tiles, for the GEMM to add (undefined without one). */
  function biasIn(at: MatMulAttrs): number | undefined {
    return at.bias ? rt.heap.use(at.bias.subarray(0, at.n), padCols(at.n)) : undefined;
  }

  /** C = bias + op(A)·op(B) at `cAddr`, rows n floats apart with room for the padded rows. */
  function unpaddedC(cAddr: number, aAddr: number, bAddr: number, at: MatMulAttrs): void {
    const { m, k, n } = at;
    gemm(rt, m, n, k, operandA(aAddr, at), operandB(bAddr, at), { addr: cAddr, ldc: n, bias: biasIn(at) });
  }

  /** C written at `cAddr` in the pass arena (room for its padded rows). */
  function intoArena(cAddr: number, aAddr: number, bAddr: number, at: MatMulAttrs): Float32Array {
    const { m, n } = at;
    unpaddedC(cAddr, aAddr, bAddr, at);
    const c = rt.heap.view(cAddr, m * n);
    return rt.finiteRegion(cAddr, m, n, n) ? markFinite(c) : c;
  }

  /** C written straight into a resident buffer with room for its padded rows, which are zeroed after. */
  function intoResident(dst: Float32Array, aAddr: number, bAddr: number, at: MatMulAttrs): Float32Array {
    const { m, n } = at;
    const cAddr = rt.heap.addressOf(dst);
    unpaddedC(cAddr, aAddr, bAddr, at);
    // Resident blocks are zero past their values (see WasmHeap.use); the register tiles wrote whole rows there.
    rt.heap.zero(cAddr + m * n * 4, (padRows(rt, m) - m) * n);
    const c = dst.subarray(0, m * n);
    return rt.finiteRegion(cAddr, m, n, n) ? markFinite(c) : c;
  }
}
