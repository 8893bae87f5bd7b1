// The telemetry's one pass over a tensor (tensor-stats.ts `moments`) as a v128 loop: on statistics steps it runs
// over every tracked layer's activations, and the JavaScript loop (a branch per element for the non-finite test,
// min, max and zero) was 7.4% of the engine's time in a CLI run of the MNIST CNN.
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
