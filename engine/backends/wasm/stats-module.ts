// The telemetry's passes over tensors (tensor-stats.ts) as v128 loops: `moments` over every tracked layer's
// activations on statistics steps (its JavaScript loop, a branch per element for the non-finite test, min, max and
// zero, was 7.4% of the engine's time in a CLI run of the MNIST CNN), and the sums over parameters and their
// gradients (norms, mean |grad|, zero fraction, the update ratio), which read the resident buffers in place. Sums
// are float64, of the values widened from float32 as JavaScript does, in a different order.
import { Fn } from './emitter';

/**
 * moments(addr, vecs, out): over `vecs` v128 of floats at `addr`, writes at `out` (64-byte aligned): the sums of the
 * finite values and of their squares in float64, as four f64x2 (sum of lanes 0-1, of lanes 2-3, then the squares
 * the same way; out + 0..63), the lane-wise min and max of the finite values as f32x4 (+Inf / -Inf where a lane saw
 * none; out + 64, out + 80), and lane-wise i32x4 counts of finite values, exact zeros and NaNs (out + 96, 112, 128).
 */
export function momentsFn(): Fn {
  const f = new Fn('moments', ['i32', 'i32', 'i32']);
  const [addr, vecs, out] = [0, 1, 2];
  const end = f.local('i32');
  const v = f.local('v128'), fin = f.local('v128'), vf = f.local('v128'), lo = f.local('v128'), hi = f.local('v128');
  const sumLo = f.local('v128'), sumHi = f.local('v128'), sqLo = f.local('v128'), sqHi = f.local('v128');
  const mn = f.local('v128'), mx = f.local('v128'), nFin = f.local('v128'), nZero = f.local('v128'), nNan = f.local('v128');
  const posInf = f.local('v128'), negInf = f.local('v128');
  for (const acc of [sumLo, sumHi, sqLo, sqHi, nFin, nZero, nNan]) f.v128Zero().set(acc);
  f.f32x4Const(Infinity).tee(posInf).set(mn);
  f.f32x4Const(-Infinity).tee(negInf).set(mx);
  f.get(addr).get(vecs).i32(16).i32Mul().i32Add().set(end);
  f.block().loop();
  f.get(addr).get(end).i32GeS().brIf(1);
  f.get(addr).v128Load().set(v);
  // v - v is 0 for finite values and NaN for NaN and ±Inf; the mask is all ones in the finite lanes.
  f.get(v).get(v).f32x4Sub().v128Zero().f32x4Eq().set(fin);
  f.get(nFin).get(fin).i32x4Sub().set(nFin);
  f.get(nZero).get(v).v128Zero().f32x4Eq().i32x4Sub().set(nZero);
  f.get(nNan).get(v).get(v).f32x4Ne().i32x4Sub().set(nNan);
  // Non-finite lanes become 0 for the sums, +Inf for the min and -Inf for the max.
  f.get(v).get(fin).v128And().set(vf);
  f.get(mn).get(v).get(posInf).get(fin).v128Bitselect().f32x4Min().set(mn);
  f.get(mx).get(v).get(negInf).get(fin).v128Bitselect().f32x4Max().set(mx);
  f.get(vf).f64x2PromoteLowF32x4().set(lo);
  f.get(vf).get(vf).i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]).f64x2PromoteLowF32x4().set(hi);
  f.get(sumLo).get(lo).f64x2Add().set(sumLo);
  f.get(sumHi).get(hi).f64x2Add().set(sumHi);
  f.get(sqLo).get(lo).get(lo).f64x2Mul().f64x2Add().set(sqLo);
  f.get(sqHi).get(hi).get(hi).f64x2Mul().f64x2Add().set(sqHi);
  f.get(addr).i32(16).i32Add().set(addr).br(0);
  f.end().end();
  [sumLo, sumHi, sqLo, sqHi, mn, mx, nFin, nZero, nNan].forEach((acc, k) => f.get(out).get(acc).v128Store(16 * k));
  return f;
}

/** Loads the vector at `at` and leaves its low and high halves, widened to f64x2, in `lo` and `hi`. */
function widen(f: Fn, at: () => void, lo: number, hi: number): void {
  at();
  f.v128Load().tee(hi).f64x2PromoteLowF32x4().set(lo);
  f.get(hi).get(hi).i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]).f64x2PromoteLowF32x4().set(hi);
}

/**
 * gradSums(addr, vecs, out): over `vecs` v128 at `addr`, the sum of squares and the sum of |x| in float64 (each as
 * two f64x2, low and high lanes: out + 0, 16, 32, 48) and lane-wise i32x4 counts of exact zeros (out + 64).
 */
export function gradSumsFn(): Fn {
  const f = new Fn('gradSums', ['i32', 'i32', 'i32']);
  const [addr, vecs, out] = [0, 1, 2];
  const end = f.local('i32');
  const lo = f.local('v128'), hi = f.local('v128'), sqLo = f.local('v128'), sqHi = f.local('v128'), absLo = f.local('v128'), absHi = f.local('v128'), zeros = f.local('v128');
  for (const acc of [sqLo, sqHi, absLo, absHi, zeros]) f.v128Zero().set(acc);
  f.get(addr).get(vecs).i32(16).i32Mul().i32Add().set(end);
  f.block().loop();
  f.get(addr).get(end).i32GeS().brIf(1);
  f.get(zeros).get(addr).v128Load().v128Zero().f32x4Eq().i32x4Sub().set(zeros);
  widen(f, () => f.get(addr), lo, hi);
  f.get(sqLo).get(lo).get(lo).f64x2Mul().f64x2Add().set(sqLo);
  f.get(sqHi).get(hi).get(hi).f64x2Mul().f64x2Add().set(sqHi);
  f.get(absLo).get(lo).f64x2Abs().f64x2Add().set(absLo);
  f.get(absHi).get(hi).f64x2Abs().f64x2Add().set(absHi);
  f.get(addr).i32(16).i32Add().set(addr).br(0);
  f.end().end();
  [sqLo, sqHi, absLo, absHi, zeros].forEach((acc, k) => f.get(out).get(acc).v128Store(16 * k));
  return f;
}

/**
 * diffSums(a, b, vecs, out): over `vecs` v128 of a and b, the sums of a² and of (a - b)², the difference taken in
 * float64 (as two f64x2 each: out + 0, 16, 32, 48).
 */
export function diffSumsFn(): Fn {
  const f = new Fn('diffSums', ['i32', 'i32', 'i32', 'i32']);
  const [a, b, vecs, out] = [0, 1, 2, 3];
  const end = f.local('i32');
  const lo = f.local('v128'), hi = f.local('v128'), bLo = f.local('v128'), bHi = f.local('v128');
  const sqLo = f.local('v128'), sqHi = f.local('v128'), dLo = f.local('v128'), dHi = f.local('v128');
  for (const acc of [sqLo, sqHi, dLo, dHi]) f.v128Zero().set(acc);
  f.get(a).get(vecs).i32(16).i32Mul().i32Add().set(end);
  f.block().loop();
  f.get(a).get(end).i32GeS().brIf(1);
  widen(f, () => f.get(a), lo, hi);
  widen(f, () => f.get(b), bLo, bHi);
  f.get(sqLo).get(lo).get(lo).f64x2Mul().f64x2Add().set(sqLo);
  f.get(sqHi).get(hi).get(hi).f64x2Mul().f64x2Add().set(sqHi);
  f.get(lo).get(bLo).f64x2Sub().tee(bLo).get(bLo).f64x2Mul().get(dLo).f64x2Add().set(dLo);
  f.get(hi).get(bHi).f64x2Sub().tee(bHi).get(bHi).f64x2Mul().get(dHi).f64x2Add().set(dHi);
  f.get(a).i32(16).i32Add().set(a);
  f.get(b).i32(16).i32Add().set(b).br(0);
  f.end().end();
  [sqLo, sqHi, dLo, dHi].forEach((acc, k) => f.get(out).get(acc).v128Store(16 * k));
  return f;
}
