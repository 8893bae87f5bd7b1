// Max pooling's backward pass: zero the input gradient, then add each output gradient to the input its window
// took (the forward's argmax). Scalar, but it runs where the data is: the JavaScript scatter cost ~8% of a pooled
// CNN step (a zeroed 1.5 MB array plus 92K indexed adds at several ns each).
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
