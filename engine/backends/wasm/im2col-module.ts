// im2col and col2im, one output row at a time: the convolution's fallback path (im2col + GEMM) when the direct
// kernels (conv-direct-module.ts) do not apply, and the input gradient's scatter back.
import { Fn } from './emitter';

/** Emits a loop storing zeros to [d, d + bytes), a multiple of 4: v128 stores, then f32 stores. */
function zeroBytes(f: Fn, d: () => void, bytes: () => void, p: number, end: number): void {
  d();
  f.set(p);
  d();
  bytes();
  f.i32Add().set(end);
  f.block().loop();
  f.get(p).i32(16).i32Add().get(end).i32GtS().brIf(1);
  f.get(p).v128Zero().v128Store();
  f.get(p).i32(16).i32Add().set(p).br(0);
  f.end().end();
  f.block().loop();
  f.get(p).get(end).i32GeS().brIf(1);
  f.get(p).f32(0).f32Store();
  f.get(p).i32(4).i32Add().set(p).br(0);
  f.end().end();
}

/**
 * im2colRow(src0, dst, n, imgStride, outH, outW, ohLo, ohHi, owLo, owHi, srcRowStride, srcColStride): one row of
 * the column matrix (one channel and kernel offset) for all n images; positions outside [ohLo,ohHi)x[owLo,owHi)
 * read padding and get zeros. src0 addresses the input element of (image 0, oh 0, ow 0), even if that lies in the
 * padding (it is never read there). Strides in bytes. Plain loops rather than memory.fill/copy: V8 runs those as
 * calls into the runtime, far too slow for rows of a few dozen elements.
 */
export function im2colRowFn(): Fn {
  const f = new Fn('im2colRow', new Array<'i32'>(12).fill('i32'));
  const [src0, dst, n, imgStride, outH, outW, ohLo, ohHi, owLo, owHi, rS, cS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const b = f.local('i32'), oh = f.local('i32'), d = f.local('i32'), s = f.local('i32'), rowBytes = f.local('i32');
  const p = f.local('i32'), end = f.local('i32'), q = f.local('i32');
  f.get(outW).i32(4).i32Mul().set(rowBytes);
  f.get(dst).set(d);
  f.forRange(b, () => f.i32(0), () => f.get(n), 1, () => {
    f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
      f.get(oh).get(ohLo).i32LtS().get(oh).get(ohHi).i32GeS().i32Or().if_();
      zeroBytes(f, () => f.get(d), () => f.get(rowBytes), p, end);
      f.else_();
      f.get(src0).get(b).get(imgStride).i32Mul().i32Add().get(oh).get(rS).i32Mul().i32Add().set(s);
      // Most rows of most convs are wholly valid: the zero fills are skipped when empty (their loop set-up cost as
      // much as an 8-float copy).
      f.get(owLo).i32(0).i32GtS().if_();
      zeroBytes(f, () => f.get(d), () => f.get(owLo).i32(4).i32Mul(), p, end);
      f.end();
      f.get(d).get(owLo).i32(4).i32Mul().i32Add().set(p);
      // q walks the source row from its first valid element.
      f.get(s).get(owLo).get(cS).i32Mul().i32Add().set(q);
      f.get(d).get(owHi).i32(4).i32Mul().i32Add().set(end);
      // Unit stride and at least 4 elements: whole vectors, the last one overlapping its predecessor instead of a
      // scalar tail (it rewrites a few identical values).
      f.get(cS).i32(4).i32Eq().get(end).get(p).i32Sub().i32(16).i32GeS().i32And().if_();
      f.block().loop();
      f.get(p).i32(16).i32Add().get(end).i32GtS().brIf(1);
      f.get(p).get(q).v128Load().v128Store();
      f.get(p).i32(16).i32Add().set(p);
      f.get(q).i32(16).i32Add().set(q).br(0);
      f.end().end();
      f.get(p).get(end).i32LtS().if_();
      // last vector: ends exactly at `end`; its source ends where the row's valid span does
      f.get(end).i32(16).i32Sub();
      f.get(q).get(end).get(p).i32Sub().i32Add().i32(16).i32Sub().v128Load().v128Store();
      f.end();
      f.else_();
      f.block().loop();
      f.get(p).get(end).i32GeS().brIf(1);
      f.get(p).get(q).f32Load().f32Store();
      f.get(p).i32(4).i32Add().set(p);
      f.get(q).get(cS).i32Add().set(q).br(0);
      f.end().end();
      f.end();
      f.get(owHi).get(outW).i32LtS().if_();
      zeroBytes(f, () => f.get(d).get(owHi).i32(4).i32Mul().i32Add(), () => f.get(outW).get(owHi).i32Sub().i32(4).i32Mul(), p, end);
      f.end();
      f.end();
      f.get(d).get(rowBytes).i32Add().set(d);
    });
  });
  return f;
}

/**
 * col2imRow(dst0, src, n, imgStride, outH, outW, ohLo, ohHi, owLo, owHi, dstRowStride, dstColStride): adds one row
 * of the column matrix back into the image gradient (the transpose of im2colRow; padding positions are dropped).
 */
export function col2imRowFn(): Fn {
  const f = new Fn('col2imRow', new Array<'i32'>(12).fill('i32'));
  const [dst0, src, n, imgStride, outH, outW, ohLo, ohHi, owLo, owHi, rS, cS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const b = f.local('i32'), oh = f.local('i32'), ow = f.local('i32'), d = f.local('i32'), s = f.local('i32'), a = f.local('i32');
  f.forRange(b, () => f.i32(0), () => f.get(n), 1, () => {
    f.forRange(oh, () => f.get(ohLo), () => f.get(ohHi), 1, () => {
      f.get(dst0).get(b).get(imgStride).i32Mul().i32Add().get(oh).get(rS).i32Mul().i32Add().set(d);
      f.get(src).get(b).get(outH).i32Mul().get(oh).i32Add().get(outW).i32Mul().i32(4).i32Mul().i32Add().set(s);
      f.forRange(ow, () => f.get(owLo), () => f.get(owHi), 1, () => {
        f.get(d).get(ow).get(cS).i32Mul().i32Add().tee(a);
        f.get(a).f32Load();
        f.get(s).get(ow).i32(4).i32Mul().i32Add().f32Load();
        f.f32Add().f32Store();
      });
    });
  });
  return f;
}
