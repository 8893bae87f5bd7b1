// Max pooling's forward, general and unrolled for 2x2 and 3x3 windows (the vectorised 2x2 stride-2 case is in
// max-pool-vec-module.ts, the backward in max-pool-back-module.ts).
import { Fn } from './emitter';

/**
 * maxPool(x, y, argmax, planes, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW): torch's rules, as the
 * reference: padding never wins, the first maximum in row-major window order wins ties, a NaN wins and stops.
 */
export function maxPoolFn(): Fn {
  const f = new Fn('maxPool', new Array<'i32'>(14).fill('i32'));
  const [X, Y, A, planes, h, w, kh, kw, sH, sW, pH, pW, outH, outW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const pl = f.local('i32'), oh = f.local('i32'), ow = f.local('i32'), iy = f.local('i32'), ix = f.local('i32');
  const y0 = f.local('i32'), y1 = f.local('i32'), x0 = f.local('i32'), x1 = f.local('i32'), idx = f.local('i32'), base = f.local('i32');
  const best = f.local('f32'), v = f.local('f32');
  // lo = max(start, 0), hi = min(start + k, size), via select
  const clampLo = (start: () => void, out: number): void => {
    start();
    f.set(out);
    f.get(out).i32(0).get(out).i32(0).i32GtS().select().set(out);
  };
  const clampHi = (start: () => void, k: number, size: number, out: number): void => {
    start();
    f.get(k).i32Add().set(out);
    f.get(out).get(size).get(out).get(size).i32LtS().select().set(out);
  };
  f.forRange(pl, () => f.i32(0), () => f.get(planes), 1, () => {
    f.get(X).get(pl).get(h).i32Mul().get(w).i32Mul().i32(4).i32Mul().i32Add().set(base);
    f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
      clampLo(() => f.get(oh).get(sH).i32Mul().get(pH).i32Sub(), y0);
      clampHi(() => f.get(oh).get(sH).i32Mul().get(pH).i32Sub(), kh, h, y1);
      f.forRange(ow, () => f.i32(0), () => f.get(outW), 1, () => {
        clampLo(() => f.get(ow).get(sW).i32Mul().get(pW).i32Sub(), x0);
        clampHi(() => f.get(ow).get(sW).i32Mul().get(pW).i32Sub(), kw, w, x1);
        f.f32(-Infinity).set(best);
        f.i32(-1).set(idx);
        f.block();
        f.forRange(iy, () => f.get(y0), () => f.get(y1), 1, () => {
          f.forRange(ix, () => f.get(x0), () => f.get(x1), 1, () => {
            f.get(base).get(iy).get(w).i32Mul().get(ix).i32Add().i32(4).i32Mul().i32Add().f32Load().set(v);
            // take v if it is the first, larger, or NaN
            f.get(idx).i32(0).i32LtS().get(v).get(best).f32Gt().i32Or().get(v).get(v).f32Ne().i32Or().if_();
            f.get(v).set(best);
            f.get(iy).get(w).i32Mul().get(ix).i32Add().set(idx);
            f.get(v).get(v).f32Ne().brIf(4); // NaN: leave both window loops (depth: if, loop, block, loop, block)
            f.end();
          });
        });
        f.end();
        f.get(Y).get(best).f32Store();
        f.get(A).get(idx).i32Store();
        f.get(Y).i32(4).i32Add().set(Y);
        f.get(A).i32(4).i32Add().set(A);
      });
    });
  });
  return f;
}

/**
 * maxPool<KH>x<KW>(x, y, argmax, planes, h, w, strideH, strideW, outH, outW): the unpadded case with the window
 * unrolled (every window lies inside the image). Same rules: a later element replaces the best only if it is larger
 * or NaN, and nothing replaces a NaN.
 */
export function maxPoolUnrolledFn(kh: number, kw: number): Fn {
  const f = new Fn(`maxPool${kh}x${kw}`, new Array<'i32'>(10).fill('i32'));
  const [X, Y, A, planes, h, w, sH, sW, outH, outW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const pl = f.local('i32'), oh = f.local('i32'), ow = f.local('i32'), idx = f.local('i32'), base = f.local('i32'), i0 = f.local('i32');
  const take = f.local('i32');
  const best = f.local('f32'), v = f.local('f32');
  f.get(X).set(base);
  f.forRange(pl, () => f.i32(0), () => f.get(planes), 1, () => {
    f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
      f.forRange(ow, () => f.i32(0), () => f.get(outW), 1, () => {
        // i0: index of the window's first element inside the plane
        f.get(oh).get(sH).i32Mul().get(w).i32Mul().get(ow).get(sW).i32Mul().i32Add().set(i0);
        f.get(base).get(i0).i32(4).i32Mul().i32Add().f32Load().set(best);
        f.get(i0).set(idx);
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            if (ky === 0 && kx === 0) continue;
            f.get(base).get(i0).get(w).i32(ky).i32Mul().i32Add().i32(kx).i32Add().i32(4).i32Mul().i32Add().f32Load().set(v);
            // Branch-free: on random data the comparison is a coin toss the predictor loses, and V8 compiles
            // select and f32.max to branches. With mask = -take: idx ^= (idx ^ ie) & mask, and the same on the
            // float's bits.
            f.get(v).get(best).f32Gt().get(v).get(v).f32Ne().i32Or().get(best).get(best).f32Eq().i32And().set(take);
            f.i32(0).get(take).i32Sub().set(take);
            f.get(idx);
            f.get(idx).get(i0).get(w).i32(ky).i32Mul().i32Add().i32(kx).i32Add().i32Xor();
            f.get(take).i32And().i32Xor().set(idx);
            f.get(best).i32ReinterpretF32();
            f.get(best).i32ReinterpretF32().get(v).i32ReinterpretF32().i32Xor();
            f.get(take).i32And().i32Xor().f32ReinterpretI32().set(best);
          }
        }
        f.get(Y).get(best).f32Store();
        f.get(A).get(idx).i32Store();
        f.get(Y).i32(4).i32Add().set(Y);
        f.get(A).i32(4).i32Add().set(A);
      });
    });
    f.get(base).get(h).get(w).i32Mul().i32(4).i32Mul().i32Add().set(base);
  });
  return f;
}
