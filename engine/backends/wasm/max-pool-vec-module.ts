// 2x2 stride-2 max pooling (nearly every CNN's), four outputs per step with SIMD. The scalar kernels spend ~60
// instructions per output on torch's tie and NaN rules; here the same rules run lane-wise: two rows of 8 inputs
// are split into even and odd columns, and the window's four candidates are compared in PyTorch's order.
import { Fn } from './emitter';

const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/**
 * maxPool2x2Vec(x, y, argmax, planes, h, w, outH, outW): unpadded planes, outW a multiple of 4 and 2*outW <= w,
 * 2*outH <= h. argmax holds each window's index of its maximum within the plane: the first of equal values, and
 * a NaN wins over numbers (the first NaN), as torch.nn.functional.max_pool2d does.
 */
export function maxPool2x2VecFn(): Fn {
  const f = new Fn('maxPool2x2Vec', new Array<'i32'>(8).fill('i32'));
  const [X, Y, A, planes, h, w, outH, outW] = [0, 1, 2, 3, 4, 5, 6, 7];
  const pl = f.local('i32'), oh = f.local('i32'), q = f.local('i32'), row = f.local('i32'), rowBytes = f.local('i32'), base = f.local('i32');
  const best = f.local('v128'), idx = f.local('v128'), cand = f.local('v128'), take = f.local('v128');
  const first = f.local('v128'), step = f.local('v128'), down = f.local('v128');
  const ra = f.local('v128'), rb = f.local('v128'), odd0 = f.local('v128'), even1 = f.local('v128'), odd1 = f.local('v128');
  f.get(w).i32(4).i32Mul().set(rowBytes);
  f.get(w).i32x4Splat().set(down);
  f.i32x4Const(8).set(step);
  f.get(X).set(base);
  /** If cand beats best (greater, or a NaN over a number), take it and its index. */
  const consider = (candIdx: () => void): void => {
    f.get(cand).get(best).f32x4Gt().get(cand).get(cand).f32x4Ne().v128Or().get(best).get(best).f32x4Eq().v128And().set(take);
    f.get(cand).get(best).get(take).v128Bitselect().set(best);
    candIdx();
    f.get(idx).get(take).v128Bitselect().set(idx);
  };
  f.forRange(pl, () => f.i32(0), () => f.get(planes), 1, () => {
    f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
      f.get(base).get(oh).i32(2).i32Mul().get(rowBytes).i32Mul().i32Add().set(row);
      // index of each window's top-left input: 2*oh*w + 2*ow
      f.get(oh).i32(2).i32Mul().get(w).i32Mul().i32x4Splat().i32x4ConstLanes([0, 2, 4, 6]).i32x4Add().set(first);
      f.forRange(q, () => f.i32(0), () => f.get(outW), 4, () => {
        f.get(row).v128Load(0).set(ra);
        f.get(row).v128Load(16).set(rb);
        f.get(ra).get(rb).i8x16Shuffle(EVEN).set(best);
        f.get(ra).get(rb).i8x16Shuffle(ODD).set(odd0);
        f.get(row).get(rowBytes).i32Add().v128Load(0).set(ra);
        f.get(row).get(rowBytes).i32Add().v128Load(16).set(rb);
        f.get(ra).get(rb).i8x16Shuffle(EVEN).set(even1);
        f.get(ra).get(rb).i8x16Shuffle(ODD).set(odd1);
        f.get(first).set(idx);
        f.get(odd0).set(cand);
        consider(() => f.get(first).i32x4Const(1).i32x4Add());
        f.get(even1).set(cand);
        consider(() => f.get(first).get(down).i32x4Add());
        f.get(odd1).set(cand);
        consider(() => f.get(first).get(down).i32x4Add().i32x4Const(1).i32x4Add());
        f.get(Y).get(best).v128Store();
        f.get(A).get(idx).v128Store();
        f.get(Y).i32(16).i32Add().set(Y);
        f.get(A).i32(16).i32Add().set(A);
        f.get(row).i32(32).i32Add().set(row);
        f.get(first).get(step).i32x4Add().set(first);
      });
    });
    f.get(base).get(h).get(rowBytes).i32Mul().i32Add().set(base);
  });
  return f;
}
