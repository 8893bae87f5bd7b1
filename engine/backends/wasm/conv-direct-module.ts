// Direct (implicit-GEMM) convolution kernels for stride-1 rows. im2col + GEMM moves every input value kh*kw times
// through a column matrix and a packed copy of it (3.7 MB each for the MNIST CNN's first layer: most of that
// layer's time went to memory, not arithmetic). Here the micro-kernel reads its 8-wide B vectors straight from the
// image: for a stride-1 row, the 8 inputs under 8 neighbouring outputs at kernel offset k are contiguous, so B row
// k is one pair of v128 loads at `row + offs[k]`, where offs is a table of byte offsets over (channel, ky, kx).
// The filter gradient is a sum of dot products along output rows, vectorised the same way.
import { Fn } from './emitter';
import { NR, emitTileStep, tileLocals, type KernelVariant } from './tile-step';

/**
 * convTile(kc, pa, xb, offs, c, ldc, pbias): C[mr x 8] = bias + packedA[kc x mr]ᵀ · B, where B row k is the 8
 * floats at xb + offs[k] (offs: kc i32 byte offsets); C rows ldc bytes apart; pbias addresses mr floats.
 */
function convTileFn(v: KernelVariant): Fn {
  const f = new Fn('convTile', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [kc, pa, xb, offs, c, ldc, pbias] = [0, 1, 2, 3, 4, 5, 6];
  const t = tileLocals(f, v, pa);
  const { acc, b0, b1 } = t;
  const src = f.local('i32');
  for (let r = 0; r < v.mr; r++) {
    f.get(pbias).load32Splat(4 * r).set(acc[2 * r]);
    f.get(acc[2 * r]).set(acc[2 * r + 1]);
  }
  f.loop();
  f.get(xb).get(offs).i32Load().i32Add().tee(src).v128Load(0).set(b0);
  f.get(src).v128Load(16).set(b1);
  emitTileStep(f, v, t);
  f.get(offs).i32(4).i32Add().set(offs);
  f.get(kc).i32(1).i32Sub().tee(kc).brIf(0);
  f.end();
  for (let r = 0; r < v.mr; r++) {
    for (let h = 0; h < 2; h++) f.get(c).get(acc[2 * r + h]).v128Store(16 * h);
    f.get(c).get(ldc).i32Add().set(c);
  }
  return f;
}

/**
 * convTile4(kc, pa, xb, offs, c, ldc, pbias): convTile for 4 columns (one B vector a k), for rows whose width leaves
 * 1-4 columns after the whole 8-column panels: the no-pool CNN's 20 columns ran as panels at 0, 8 and 12, 1.2x the
 * work. Each accumulator takes the same multiply-adds in the same order as convTile's, so the bits match.
 */
function convTile4Fn(v: KernelVariant): Fn {
  const f = new Fn('convTile4', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [kc, pa, xb, offs, c, ldc, pbias] = [0, 1, 2, 3, 4, 5, 6];
  const acc: number[] = [];
  for (let r = 0; r < v.mr; r++) acc.push(f.local('v128'));
  const b = f.local('v128'), a = f.local('v128');
  for (let r = 0; r < v.mr; r++) f.get(pbias).load32Splat(4 * r).set(acc[r]);
  f.loop();
  f.get(xb).get(offs).i32Load().i32Add().v128Load(0).set(b);
  for (let r = 0; r < v.mr; r++) {
    f.get(pa).load32Splat(4 * r).set(a);
    if (v.fma) f.get(a).get(b).get(acc[r]).f32x4RelaxedMadd().set(acc[r]);
    else f.get(acc[r]).get(a).get(b).f32x4Mul().f32x4Add().set(acc[r]);
  }
  f.get(pa).i32(4 * v.mr).i32Add().set(pa);
  f.get(offs).i32(4).i32Add().set(offs);
  f.get(kc).i32(1).i32Sub().tee(kc).brIf(0);
  f.end();
  for (let r = 0; r < v.mr; r++) {
    f.get(c).get(acc[r]).v128Store(0);
    f.get(c).get(ldc).i32Add().set(c);
  }
  return f;
}

/**
 * convRows(mT, kc, pa, x, xRowBytes, offs, c, cRowBytes, ldc, outH, panels, lastCol, pbias, tail): one image's output
 * planes, [mT*mr channels][outH rows][outW], planes ldc bytes apart. Output row oh reads the input row at
 * x + oh*xRowBytes. Panels of 8 columns start 32 bytes apart, the last at lastCol bytes (it overlaps the one
 * before when outW is not a multiple of 8; the overlapped columns are recomputed identically); then, when tail is
 * not negative, a 4-column tile at byte column `tail` (convTile4).
 */
function convRowsFn(v: KernelVariant): Fn {
  const f = new Fn('convRows', new Array<'i32'>(14).fill('i32'));
  const [mT, kc, pa, x, xRowBytes, offs, c, cRowBytes, ldc, outH, panels, lastCol, pbias, tail] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const oh = f.local('i32'), p = f.local('i32'), i = f.local('i32'), col = f.local('i32'), xr = f.local('i32'), cr = f.local('i32');
  /** The mT channel tiles of the columns from byte column `at` (a local) of the current row, by `tile`. */
  const tilesAt = (at: number, tile: string): Fn =>
    f.forRange(i, () => f.i32(0), () => f.get(mT), 1, () => {
      f.get(kc);
      f.get(pa).get(i).get(kc).i32Mul().i32(4 * v.mr).i32Mul().i32Add();
      f.get(xr).get(at).i32Add();
      f.get(offs);
      f.get(cr).get(at).i32Add().get(i).i32(v.mr).i32Mul().get(ldc).i32Mul().i32Add();
      f.get(ldc);
      f.get(pbias).get(i).i32(4 * v.mr).i32Mul().i32Add();
      f.call(tile);
    });
  f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
    f.get(x).get(oh).get(xRowBytes).i32Mul().i32Add().set(xr);
    f.get(c).get(oh).get(cRowBytes).i32Mul().i32Add().set(cr);
    f.forRange(p, () => f.i32(0), () => f.get(panels), 1, () => {
      // col = min(p * 32, lastCol)
      f.get(p).i32(4 * NR).i32Mul().get(lastCol).get(p).i32(4 * NR).i32Mul().get(lastCol).i32LtS().select().set(col);
      tilesAt(col, 'convTile');
    });
    f.get(tail).i32(0).i32GeS().if_();
    tilesAt(tail, 'convTile4');
    f.end();
  });
  return f;
}

/**
 * convFilterGrad(pairs, quads, x, xRowBytes, offs, dy, dyPlaneBytes, dyRowBytes, outH, vecs, part, images,
 * xImageBytes, dyImageBytes): adds `images` consecutive images' contribution to the filter gradient, as vector
 * partial sums. For output channels (2q, 2q+1) and kernel offsets 4t..4t+3, part holds 8 v128 at
 * part + (q*quads + t)*128: lane-wise sums of dy[oc][oh][ow] * x[offs[k] + oh*xRowBytes + 4*ow] over the images'
 * rows and columns (vecs vectors per row; every column must be a real output column, so the caller ensures
 * outW = 4*vecs). Channel planes of dy are dyPlaneBytes apart; images xImageBytes and dyImageBytes.
 * The image loop is inside the (q, t) loops so the 8 sums stay in registers over several images: with one image
 * a call, an 8x8 output (the MNIST CNN's conv2) ran 16 vector steps per load and store of the 8 sums plus the
 * loops' set-up, at ~20 GFLOP/s. Each lane's sum takes its terms in the same order either way.
 */
function convFilterGradFn(v: KernelVariant): Fn {
  const f = new Fn('convFilterGrad', new Array<'i32'>(14).fill('i32'));
  const [pairs, quads, x, xRowBytes, offs, dy, dyPlaneBytes, dyRowBytes, outH, vecs, part, images, xImageBytes, dyImageBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const q = f.local('i32'), t = f.local('i32'), oh = f.local('i32'), vb = f.local('i32'), end = f.local('i32');
  const img = f.local('i32'), xi = f.local('i32'), di = f.local('i32');
  const pp = f.local('i32'), d0p = f.local('i32'), xr = f.local('i32'), dr = f.local('i32'), xa = f.local('i32');
  const o = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const acc: number[] = [];
  for (let k = 0; k < 8; k++) acc.push(f.local('v128'));
  const d0 = f.local('v128'), d1 = f.local('v128');
  const xs = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  f.forRange(q, () => f.i32(0), () => f.get(pairs), 1, () => {
    f.get(dy).get(q).i32(2).i32Mul().get(dyPlaneBytes).i32Mul().i32Add().set(d0p);
    f.forRange(t, () => f.i32(0), () => f.get(quads), 1, () => {
      for (let k = 0; k < 4; k++) f.get(offs).get(t).i32(16).i32Mul().i32Add().i32Load(4 * k).set(o[k]);
      f.get(part).get(q).get(quads).i32Mul().get(t).i32Add().i32(128).i32Mul().i32Add().set(pp);
      for (let k = 0; k < 8; k++) f.get(pp).v128Load(16 * k).set(acc[k]);
      f.get(vecs).i32(16).i32Mul().set(end);
      f.forRange(img, () => f.i32(0), () => f.get(images), 1, () => {
        f.get(x).get(img).get(xImageBytes).i32Mul().i32Add().set(xi);
        f.get(d0p).get(img).get(dyImageBytes).i32Mul().i32Add().set(di);
        f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
          f.get(xi).get(oh).get(xRowBytes).i32Mul().i32Add().set(xr);
          f.get(di).get(oh).get(dyRowBytes).i32Mul().i32Add().set(dr);
          f.forRange(vb, () => f.i32(0), () => f.get(end), 16, () => {
            f.get(dr).get(vb).i32Add().tee(xa).v128Load(0).set(d0);
            f.get(xa).get(dyPlaneBytes).i32Add().v128Load(0).set(d1);
            f.get(xr).get(vb).i32Add().set(xa);
            for (let k = 0; k < 4; k++) f.get(xa).get(o[k]).i32Add().v128Load(0).set(xs[k]);
            for (let k = 0; k < 4; k++) {
              for (const [x, d] of [[acc[k], d0], [acc[4 + k], d1]]) {
                if (v.fma) f.get(d).get(xs[k]).get(x).f32x4RelaxedMadd().set(x);
                else f.get(x).get(d).get(xs[k]).f32x4Mul().f32x4Add().set(x);
              }
            }
          });
        });
      });
      for (let k = 0; k < 8; k++) f.get(pp).get(acc[k]).v128Store(16 * k);
    });
  });
  return f;
}

/**
 * convBackTile(kc, pa, b, ldb, dst, offs): the input gradient's tile, col2im fused into the GEMM. T[mr x 8] =
 * packedA[kc x mr]ᵀ · B, where B row k is the 8 floats at b + k*ldb (8 output columns of output-gradient channel
 * k); tile row r (kernel tap r) is then added into the input gradient at dst + offs[r], where that tap's 8 inputs
 * lie side by side.
 */
function convBackTileFn(v: KernelVariant): Fn {
  const f = new Fn('convBackTile', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [kc, pa, b, ldb, dst, offs] = [0, 1, 2, 3, 4, 5];
  const t = tileLocals(f, v, pa);
  const { acc, b0, b1 } = t;
  const d = f.local('i32');
  for (const x of acc) f.v128Zero().set(x);
  f.loop();
  f.get(b).v128Load(0).set(b0);
  f.get(b).v128Load(16).set(b1);
  emitTileStep(f, v, t);
  f.get(b).get(ldb).i32Add().set(b);
  f.get(kc).i32(1).i32Sub().tee(kc).brIf(0);
  f.end();
  for (let r = 0; r < v.mr; r++) {
    f.get(dst).get(offs).i32Load(4 * r).i32Add().set(d);
    for (let h = 0; h < 2; h++) f.get(d).get(d).v128Load(16 * h).get(acc[2 * r + h]).f32x4Add().v128Store(16 * h);
  }
  return f;
}

/**
 * convBackRows(mT, kc, pa, dy, ldb, dyRowBytes, dx, dxRowBytes, offs, outH, panels): one image's input gradient,
 * accumulated into dx (zeroed, and padded as the forward pass's input was). Output-gradient row oh (8-column
 * panels, 32 bytes apart; outW = 8*panels) adds into the input rows from dx + oh*dxRowBytes. The mT tiles of
 * kernel taps take mr taps each: packed weights pa + i*kc*mr*4, tap offsets offs + i*mr*4.
 */
function convBackRowsFn(v: KernelVariant): Fn {
  const f = new Fn('convBackRows', new Array<'i32'>(11).fill('i32'));
  const [mT, kc, pa, dy, ldb, dyRowBytes, dx, dxRowBytes, offs, outH, panels] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const oh = f.local('i32'), p = f.local('i32'), i = f.local('i32'), yr = f.local('i32'), xr = f.local('i32');
  f.forRange(oh, () => f.i32(0), () => f.get(outH), 1, () => {
    f.get(dy).get(oh).get(dyRowBytes).i32Mul().i32Add().set(yr);
    f.get(dx).get(oh).get(dxRowBytes).i32Mul().i32Add().set(xr);
    f.forRange(p, () => f.i32(0), () => f.get(panels), 1, () => {
      f.forRange(i, () => f.i32(0), () => f.get(mT), 1, () => {
        f.get(kc);
        f.get(pa).get(i).get(kc).i32Mul().i32(4 * v.mr).i32Mul().i32Add();
        f.get(yr);
        f.get(ldb);
        f.get(xr);
        f.get(offs).get(i).i32(4 * v.mr).i32Mul().i32Add();
        f.call('convBackTile');
      });
      f.get(yr).i32(4 * NR).i32Add().set(yr);
      f.get(xr).i32(4 * NR).i32Add().set(xr);
    });
  });
  return f;
}

/** The direct-convolution functions of the kernels module (the row loops call their tiles by name). */
export function convDirectFns(v: KernelVariant): Fn[] {
  return [convTileFn(v), convTile4Fn(v), convRowsFn(v), convFilterGradFn(v), convBackTileFn(v), convBackRowsFn(v)];
}
