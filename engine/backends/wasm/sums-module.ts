// Vector sums for bias gradients. A Linear bias's gradient is the column sums of g [rows, out]; a Conv2d bias's is
// the sum of each [OH*OW] plane of g [N, Cout, OH*OW] (then over N). Both run in float32 lanes over short spans
// (at most a chunk of rows, or one plane) and the driver adds the partial sums in float64, so the result stays as
// accurate as the reference's float64 loop (which ran at ~3-7 ns per element in JavaScript: 0.1 ms for one
// 64x256 MLP layer, over 1 ms for an MNIST CNN's first conv).
import { Fn } from './emitter';

/** colSums(src, rows, vecs, rowBytes, dst): dst's `vecs` vectors = the sums over `rows` rows of src's first `vecs` vectors. */
export function colSumsFn(): Fn {
  const f = new Fn('colSums', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, rows, vecs, rowBytes, dst] = [0, 1, 2, 3, 4];
  const r = f.local('i32'), v = f.local('i32'), row = f.local('i32');
  f.forRange(v, () => f.i32(0), () => f.get(vecs).i32(16).i32Mul(), 16, () => {
    f.get(dst).get(v).i32Add().v128Zero().v128Store();
  });
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(src).get(r).get(rowBytes).i32Mul().i32Add().set(row);
    f.forRange(v, () => f.i32(0), () => f.get(vecs).i32(16).i32Mul(), 16, () => {
      f.get(dst).get(v).i32Add();
      f.get(dst).get(v).i32Add().v128Load().get(row).get(v).i32Add().v128Load().f32x4Add();
      f.v128Store();
    });
  });
  return f;
}

/**
 * planeSums(src, planes, vecs, planeBytes, dst): for each plane, the lane-wise sum of its first `vecs` vectors, stored
 * as 4 floats at dst + 16*plane (the driver adds the lanes and each plane's tail). Two accumulators hide the add latency.
 */
export function planeSumsFn(): Fn {
  const f = new Fn('planeSums', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, planes, vecs, planeBytes, dst] = [0, 1, 2, 3, 4];
  const pl = f.local('i32'), p = f.local('i32'), base = f.local('i32'), pairs = f.local('i32');
  const a0 = f.local('v128'), a1 = f.local('v128');
  f.get(vecs).i32(16).i32Mul().i32(-32).i32And().set(pairs); // bytes in whole pairs of vectors
  f.forRange(pl, () => f.i32(0), () => f.get(planes), 1, () => {
    f.get(src).get(pl).get(planeBytes).i32Mul().i32Add().set(base);
    f.v128Zero().set(a0);
    f.v128Zero().set(a1);
    f.forRange(p, () => f.i32(0), () => f.get(pairs), 32, () => {
      f.get(a0).get(base).get(p).i32Add().v128Load(0).f32x4Add().set(a0);
      f.get(a1).get(base).get(p).i32Add().v128Load(16).f32x4Add().set(a1);
    });
    // An odd vector count leaves one more.
    f.get(pairs).get(vecs).i32(16).i32Mul().i32LtS().if_();
    f.get(a0).get(base).get(pairs).i32Add().v128Load(0).f32x4Add().set(a0);
    f.end();
    f.get(dst).get(pl).i32(16).i32Mul().i32Add().get(a0).get(a1).f32x4Add().v128Store();
  });
  return f;
}
