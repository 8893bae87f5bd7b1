// exp, sigmoid and tanh on f32x4 for the recurrent gate kernels, after Cephes' expf and tanhf (the same
// range reductions and minimax polynomials that SLEEF-style vector libraries, PyTorch's included, use). Plain
// mul and add only, no relaxed FMA, so results are the same on every CPU. Measured against float64 over 1.3M random
// inputs in [-20, 20]: sigmoid within 2.3 ulp, tanh within 1.3 ulp (1.4e-7 relative); the kernel suite checks the
// LSTM and GRU cells built on them. NaN propagates through all three (exp's clamp keeps x as pmin/pmax's first
// operand, which they return when a comparison with NaN is false). Each function is one long dependent chain (~30
// operations of 3-4 cycles, and a division), so emitActivations evaluates several side by side, step by step: the
// LSTM cell's loops run 8-10 chains at once and took 20-25% less time (see lstm-module.ts), bit for bit the same.
import type { Fn } from './emitter';

/** exp's input is clamped here: below, 2^n would be subnormal; above, it would overflow before the polynomial. */
const EXP_LO = -87.33654;
/** exp(88) = 1.65e38. Larger inputs give that instead of overflowing: sigmoid and tanh saturate long before. */
const EXP_HI = 88;
const LOG2E = 1.4426950408889634;
/** 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer held in the low mantissa bits. */
const ROUNDER = 12582912;
const ROUNDER_BITS = 0x4b400000;
/** ln 2 split in two so that n*LN2_HI is exact for |n| < 2^9 (Cody and Waite's reduction). */
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** tanh(x) = x + x^3 P(x^2) for |x| <= 0.625, else 1 - 2/(exp(2|x|) + 1) with x's sign. */
const TANH_SMALL = 0.625;
const TANH_POLY = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];

export interface MathLocals {
  /** Every constant below, splatted once before the loops: a v128.const inside the loop costs V8 several
   * instructions each time (there are ~20 per LSTM cell vector); a local costs at most a reload from the stack. */
  k: Map<number, number>;
  /** i32 lanes: the sign bit, and 127 - ROUNDER_BITS (the exponent bias less the rounder's bits). */
  sign: number;
  bias: number;
  /** The temporaries of emitSigmoid and emitTanh (one chain). */
  one: Chain;
}

/**
 * The temporaries of one sigmoid or tanh evaluation. Chains that run side by side (emitActivations) each need
 * their own: a: exp's input, then its result; x, t, n, r, p: exp's steps; tx, ta: tanh's input and its |x|.
 */
export interface Chain {
  a: number;
  x: number;
  t: number;
  n: number;
  r: number;
  p: number;
  tx: number;
  ta: number;
}

export type Activation = 'sigmoid' | 'tanh';

const CONSTANTS = [EXP_LO, EXP_HI, LOG2E, ROUNDER, LN2_HI, LN2_LO, ...EXP_POLY, 1, 2, TANH_SMALL, ...TANH_POLY];

/** The locals the functions below use; call at the top of the function, before any loop (it sets the constants). */
export function mathLocals(f: Fn): MathLocals {
  const k = new Map<number, number>();
  for (const v of CONSTANTS) {
    if (k.has(v)) continue;
    const local = f.local('v128');
    f.f32x4Const(v).set(local);
    k.set(v, local);
  }
  const sign = f.local('v128'), bias = f.local('v128');
  f.i32x4Const(0x80000000 | 0).set(sign);
  f.i32x4Const(127 - ROUNDER_BITS).set(bias);
  return { k, sign, bias, one: chainLocals(f) };
}

/** A fresh set of temporaries for one more chain of emitActivations. */
export function chainLocals(f: Fn): Chain {
  const v = (): number => f.local('v128');
  return { a: v(), x: v(), t: v(), n: v(), r: v(), p: v(), tx: v(), ta: v() };
}

function konst(l: MathLocals, v: number): number {
  const local = l.k.get(v);
  if (local === undefined) throw new Error(`simd-math: constant ${v} was not declared`);
  return local;
}

/**
 * exp(c.a) into c.a for every chain: x = n ln2 + r with |r| <= ln2/2, exp(r) by a degree-7 polynomial, 2^n built in
 * the exponent bits. Each step is emitted for every chain before the next step, so the chains' dependent
 * instructions sit side by side and the CPU overlaps them; each chain's operations and their order are those of a
 * lone exp, so the bits do not depend on how many chains run together.
 */
function emitExps(f: Fn, l: MathLocals, chains: Chain[]): void {
  const each = (step: (c: Chain) => void): void => chains.forEach(step);
  // pmax/pmin return their first operand when the comparison is false, so a NaN x passes through the clamp.
  each((c) => f.get(c.a).get(konst(l, EXP_LO)).f32x4Pmax().get(konst(l, EXP_HI)).f32x4Pmin().set(c.x));
  // n = round(x log2 e) by the 1.5*2^23 trick; t keeps n + ROUNDER, whose bits give 2^n below.
  each((c) => f.get(c.x).get(konst(l, LOG2E)).f32x4Mul().get(konst(l, ROUNDER)).f32x4Add().set(c.t));
  each((c) => f.get(c.t).get(konst(l, ROUNDER)).f32x4Sub().set(c.n));
  each((c) => f.get(c.x).get(c.n).get(konst(l, LN2_HI)).f32x4Mul().f32x4Sub().get(c.n).get(konst(l, LN2_LO)).f32x4Mul().f32x4Sub().set(c.r));
  each((c) => f.get(konst(l, EXP_POLY[0])).set(c.p));
  for (const k of EXP_POLY.slice(1)) each((c) => f.get(c.p).get(c.r).f32x4Mul().get(konst(l, k)).f32x4Add().set(c.p));
  each((c) => f.get(c.p).get(c.r).f32x4Mul().get(c.r).f32x4Mul().get(c.r).f32x4Add().get(konst(l, 1)).f32x4Add().set(c.p));
  each((c) => f.get(c.p).get(c.t).get(l.bias).i32x4Add().i32(23).i32x4Shl().f32x4Mul().set(c.a));
}

/**
 * outs[k] = act[k](ins[k]) (sigmoid or tanh) for every chain k, the chains interleaved step by step (see emitExps).
 * ins, outs: v128 locals; an output may be its own input.
 */
export function emitActivations(f: Fn, l: MathLocals, chains: Chain[], acts: Activation[], ins: number[], outs: number[]): void {
  chains.forEach((c, k) => {
    if (acts[k] === 'sigmoid') {
      f.get(ins[k]).f32x4Neg().set(c.a);
      return;
    }
    // tanh: for |x| > 0.625, 1 - 2/(exp(2|x|) + 1) with x's sign bit.
    f.get(ins[k]).tee(c.tx).f32x4Abs().tee(c.ta).get(c.ta).f32x4Add().set(c.a);
  });
  emitExps(f, l, chains);
  chains.forEach((c, k) => {
    // sigmoid(x) = 1 / (1 + exp(-x)).
    if (acts[k] === 'sigmoid') {
      f.get(konst(l, 1)).get(konst(l, 1)).get(c.a).f32x4Add().f32x4Div().set(outs[k]);
      return;
    }
    f.get(konst(l, 1)).get(konst(l, 2)).get(c.a).get(konst(l, 1)).f32x4Add().f32x4Div().f32x4Sub();
    f.get(c.tx).get(l.sign).v128And().v128Or();
    // |x| <= 0.625: x + x z P(z), z = x^2 (z in c.x, free after exp).
    f.get(c.tx).get(c.tx).f32x4Mul().set(c.x);
    f.get(c.tx).get(konst(l, TANH_POLY[0]));
    for (const p of TANH_POLY.slice(1)) f.get(c.x).f32x4Mul().get(konst(l, p)).f32x4Add();
    f.get(c.x).f32x4Mul().get(c.tx).f32x4Mul().f32x4Add();
    f.get(c.ta).get(konst(l, TANH_SMALL)).f32x4Gt().v128Bitselect().set(outs[k]);
  });
}

/** Pushes sigmoid(x) = 1 / (1 + exp(-x)) of the value `load` pushes. */
export function emitSigmoid(f: Fn, l: MathLocals, load: () => void): void {
  load();
  f.set(l.one.a);
  emitActivations(f, l, [l.one], ['sigmoid'], [l.one.a], [l.one.a]);
  f.get(l.one.a);
}

/** Pushes tanh(x) of the value `load` pushes. */
export function emitTanh(f: Fn, l: MathLocals, load: () => void): void {
  load();
  f.set(l.one.a);
  emitActivations(f, l, [l.one], ['tanh'], [l.one.a], [l.one.a]);
  f.get(l.one.a);
}
