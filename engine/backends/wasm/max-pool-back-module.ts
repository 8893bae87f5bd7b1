// Max pooling's backward pass. 2x2 windows of stride 2 that tile the plane (nearly every CNN's) take a vector
// gather (maxPoolBack2x2); other windows zero the input gradient, then add each output gradient to the input its
// window took (the forward's argmax), scalar but where the data is: the JavaScript scatter cost ~8% of a pooled CNN
// step (a zeroed 1.5 MB array plus 92K indexed adds at several ns each).
import { Fn } from './emitter';

/** maxPoolBack(dy, argmax, gx, planes, inPlane, outPlane): gx [planes, inPlane] from dy and argmax [planes, outPlane]. */
export function maxPoolBackFn(): Fn {
  const f = new Fn('maxPoolBack', new Array<'i32'>(6).fill('i32'));
  const [DY, A, GX, planes, inPlane, outPlane] = [0, 1, 2, 3, 4, 5];
  const off = f.local('i32'), p = f.local('i32'), i = f.local('i32'), d = f.local('i32'), a = f.local('i32');
  const base = f.local('i32'), idx = f.local('i32'), at = f.local('i32');
  // Zero whole vectors: heap blocks are 64-byte aligned and padded, so the last one may run past the end.
  f.forRange(off, () => f.i32(0), () => f.get(planes).get(inPlane).i32Mul().i32(4).i32Mul(), 16, () => {
    f.get(GX).get(off).i32Add().v128Zero().v128Store();
  });
  f.get(DY).set(d);
  f.get(A).set(a);
  f.forRange(p, () => f.i32(0), () => f.get(planes), 1, () => {
    f.get(GX).get(p).get(inPlane).i32Mul().i32(4).i32Mul().i32Add().set(base);
    f.forRange(i, () => f.i32(0), () => f.get(outPlane), 1, () => {
      f.get(a).i32Load().set(idx);
      // A window of padding alone has no input (argmax -1).
      f.get(idx).i32(0).i32GeS().if_();
      f.get(base).get(idx).i32(4).i32Mul().i32Add().tee(at);
      f.get(at).f32Load().get(d).f32Load().f32Add().f32Store();
      f.end();
      f.get(a).i32(4).i32Add().set(a);
      f.get(d).i32(4).i32Add().set(d);
    });
  });
  return f;
}

/** Byte shuffles that repeat lanes (0, 0, 1, 1) and (2, 2, 3, 3) of one vector. */
const LANES_0011 = [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7];
const LANES_2233 = [8, 9, 10, 11, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15];

/**
 * maxPoolBack2x2(dy, argmax, gx, planes, w, outH, outW): the same for 2x2 windows of stride 2 that tile the plane
 * exactly (h = 2*outH, w = 2*outW, outW a multiple of 4), as a gather: every input belongs to one window, so its
 * gradient is its window's output gradient when it was the window's argmax, else 0. Four outputs (two input rows of
 * 8) a step, each gx written once, no zeroing pass and no scatter. 0 + dy, as the scatter adds it (so -0 gives +0).
 */
export function maxPoolBack2x2Fn(): Fn {
  const f = new Fn('maxPoolBack2x2', new Array<'i32'>(7).fill('i32'));
  const [DY, A, GX, planes, w, outH, outW] = [0, 1, 2, 3, 4, 5, 6];
  const pl = f.local('i32'), oh = f.local('i32'), q = f.local('i32'), row = f.local('i32'), rowBytes = f.local('i32');
  const d = f.local('v128'), a = f.local('v128'), idx = f.local('v128'), wide = f.local('v128');
  const dLo = f.local('v128'), dHi = f.local('v128'), aLo = f.local('v128'), aHi = f.local('v128');
  f.get(w).i32(4).i32Mul().set(rowBytes);
  f.get(w).i32x4Splat().set(wide);
  /** Stores at `at` the gradient of the 4 inputs whose indices are `index` (dv, av: their windows' dy and argmax). */
  const store = (at: () => void, offset: number, dv: number, av: number, index: () => void): void => {
    at();
    f.get(dv).get(av);
    index();
    f.i32x4Eq().v128And().v128Zero().f32x4Add().v128Store(offset);
  };
  f.forRange(pl, () => f.i32(0), () => f.get(planes), 1, () => {
    f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
      // The plane's index of the window row's first input, lane by lane the next four.
      f.get(oh).i32(2).i32Mul().get(w).i32Mul().i32x4Splat().i32x4ConstLanes([0, 1, 2, 3]).i32x4Add().set(idx);
      f.get(GX).get(oh).i32(2).i32Mul().get(rowBytes).i32Mul().i32Add().set(row);
      f.forRange(q, () => f.i32(0), () => f.get(outW), 4, () => {
        f.get(DY).v128Load().set(d);
        f.get(A).v128Load().set(a);
        f.get(d).get(d).i8x16Shuffle(LANES_0011).set(dLo);
        f.get(d).get(d).i8x16Shuffle(LANES_2233).set(dHi);
        f.get(a).get(a).i8x16Shuffle(LANES_0011).set(aLo);
        f.get(a).get(a).i8x16Shuffle(LANES_2233).set(aHi);
        const top = (): void => void f.get(row);
        const bottom = (): void => void f.get(row).get(rowBytes).i32Add();
        store(top, 0, dLo, aLo, () => f.get(idx));
        store(top, 16, dHi, aHi, () => f.get(idx).i32x4Const(4).i32x4Add());
        store(bottom, 0, dLo, aLo, () => f.get(idx).get(wide).i32x4Add());
        store(bottom, 16, dHi, aHi, () => f.get(idx).get(wide).i32x4Add().i32x4Const(4).i32x4Add());
        f.get(DY).i32(16).i32Add().set(DY);
        f.get(A).i32(16).i32Add().set(A);
        f.get(row).i32(32).i32Add().set(row);
        f.get(idx).i32x4Const(8).i32x4Add().set(idx);
      });
    });
    f.get(GX).get(outH).i32(2).i32Mul().get(rowBytes).i32Mul().i32Add().set(GX);
  });
  return f;
}
