// Generates the WebAssembly kernels: panel packing, the GEMM micro-kernel and macro-kernel (Goto's scheme:
// op(A) packed MR rows at a time, op(B) 8 columns at a time, each zero-padded so the micro-kernel has no edge
// cases), and fused optimizer updates. Tile height and FMA are parameters because the best choice depends on the
// V8 version: with separate mul+add Node 20 spills registers beyond a 4x8 tile (see shared measurements).
import { ACTIVATION_FNS } from '../../kernels/kernel-map';
import { activationFn, activationGradFn } from './activation-module';
import { Fn, buildModule } from './emitter';
import { convDirectFns } from './conv-direct-module';
import { gruCellFn, gruCellGradFn, lstmCellFn, lstmCellGradFn } from './lstm-module';
import { maxPoolBackFn } from './max-pool-back-module';
import { maxPool2x2VecFn } from './max-pool-vec-module';
import { colSumsFn, planeSumsFn } from './sums-module';
import { NR, emitTileStep, tileLocals } from './tile-step';


export interface KernelVariant {
  /** Rows of the register tile (4 with separate mul+add, 6 with FMA). */
  mr: number;
  /** Use relaxed-SIMD f32x4.relaxed_madd. */
  fma: boolean;
}

export type AdamMode = 'plain' | 'l2' | 'decoupled';
export type MomentumMode = 'none' | 'first' | 'running' | 'nesterovFirst' | 'nesterovRunning';

export const ADAM_MODES: AdamMode[] = ['plain', 'l2', 'decoupled'];
export const MOMENTUM_MODES: MomentumMode[] = ['none', 'first', 'running', 'nesterovFirst', 'nesterovRunning'];

export const adamExport = (mode: AdamMode, amsgrad: boolean): string => `adam_${mode}${amsgrad ? '_ams' : ''}`;
export const sgdExport = (mode: MomentumMode, decay: boolean): string => `sgd_${mode}${decay ? '_wd' : ''}`;

/** pack(src, strideK, strideW, kc, wide, W, dst): panels of W columns, k-major inside a panel, zero-padded. */
function packFn(): Fn {
  const f = new Fn('pack', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, sK, sW, kc, wide, W, dst] = [0, 1, 2, 3, 4, 5, 6];
  const q0 = f.local('i32'), p = f.local('i32'), ww = f.local('i32'), col = f.local('i32'), row = f.local('i32');
  f.forRange(q0, () => f.i32(0), () => f.get(wide), 0, () => {
    f.forRange(p, () => f.i32(0), () => f.get(kc), 1, () => {
      f.get(src).get(p).get(sK).i32Mul().i32Add().set(row);
      f.forRange(ww, () => f.i32(0), () => f.get(W), 1, () => {
        f.get(q0).get(ww).i32Add().set(col);
        f.get(dst);
        f.get(col).get(wide).i32LtS().ifF32();
        f.get(row).get(col).get(sW).i32Mul().i32Add().f32Load();
        f.else_().f32(0).end();
        f.f32Store();
        f.get(dst).i32(4).i32Add().set(dst);
      });
    });
    // forRange was given step 0: advance the panel start by W here (W is a runtime value).
    f.get(q0).get(W).i32Add().set(q0);
  });
  return f;
}

/**
 * packContig<W>(src, strideK, kc, panels, dst): the fast case of pack when the W columns of a panel are contiguous
 * in memory and all present: each k row of a panel is W/4 v128 copies, unrolled (a loop over the copies measured
 * 2.3-3x slower: 13 against 35 GB/s on a 128x128 B). The k rows are taken in bands of PACK_BAND, sweeping every
 * panel per band: going panel by panel down all kc rows reads kc lines a power of two apart when the row length is
 * one (4096-float rows, 1024x1024 matmuls), which all fall in one cache set and evict each other (measured 3x slower
 * on the CNN's second conv); row by row across all panels scatters the stores (3-7x slower at 256 and above).
 */
const PACK_BAND = 8;

function packContigFn(w: number): Fn {
  const f = new Fn(`packContig${w}`, ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, sK, kc, panels, dst] = [0, 1, 2, 3, 4];
  const q = f.local('i32'), p = f.local('i32'), row = f.local('i32');
  const p0 = f.local('i32'), p1 = f.local('i32'), out = f.local('i32'), panelBytes = f.local('i32');
  const rowBytes = w * 4;
  f.get(kc).i32(rowBytes).i32Mul().set(panelBytes);
  f.forRange(p0, () => f.i32(0), () => f.get(kc), PACK_BAND, () => {
    // p1 = min(p0 + PACK_BAND, kc)
    f.get(p0).i32(PACK_BAND).i32Add().get(kc).get(p0).i32(PACK_BAND).i32Add().get(kc).i32LtS().select().set(p1);
    f.forRange(q, () => f.i32(0), () => f.get(panels), 1, () => {
      f.get(dst).get(q).get(panelBytes).i32Mul().i32Add().get(p0).i32(rowBytes).i32Mul().i32Add().set(out);
      f.get(src).get(p0).get(sK).i32Mul().i32Add().get(q).i32(rowBytes).i32Mul().i32Add().set(row);
      f.forRange(p, () => f.get(p0), () => f.get(p1), 1, () => {
        for (let x = 0; x < w / 4; x++) f.get(out).get(row).v128Load(16 * x).v128Store(16 * x);
        f.get(row).get(sK).i32Add().set(row);
        f.get(out).i32(rowBytes).i32Add().set(out);
      });
    });
  });
  return f;
}

/**
 * packGather<W>(src, strideK, strideW, kc, panels, dst): full panels whose W columns are `strideW` bytes apart
 * (transposed B, row-major A): the W loads per k row are unrolled, with no bounds test.
 */
function packGatherFn(w: number): Fn {
  const f = new Fn(`packGather${w}`, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, sK, sW, kc, panels, dst] = [0, 1, 2, 3, 4, 5];
  const q = f.local('i32'), p = f.local('i32'), row = f.local('i32'), base = f.local('i32');
  f.forRange(q, () => f.i32(0), () => f.get(panels), 1, () => {
    f.get(src).get(q).get(sW).i32Mul().i32(w).i32Mul().i32Add().set(base);
    f.forRange(p, () => f.i32(0), () => f.get(kc), 1, () => {
      f.get(base).get(p).get(sK).i32Mul().i32Add().set(row);
      gatherOneK(f, w, row, sW, dst);
    });
  });
  return f;
}

/** Emits one packed row: the w floats at `row`, `sW` bytes apart, stored side by side at `dst`, which moves on. */
function gatherOneK(f: Fn, w: number, row: number, sW: number, dst: number): void {
  for (let c = 0; c < w; c++) {
    f.get(dst);
    f.get(row).f32Load();
    f.f32Store(4 * c);
    if (c < w - 1) f.get(row).get(sW).i32Add().set(row);
  }
  f.get(dst).i32(4 * w).i32Add().set(dst);
}

/** i8x16.shuffle lanes picking 32-bit lanes (0-3 of the first vector, 4-7 of the second). */
const lanes32 = (l: number[]): number[] => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);

/**
 * packTrans<W>(src, strideW, kc, panels, dst): the same panels as packGather<W> when k is contiguous in memory
 * (each of the W columns is a run of floats along k: transposed B, row-major A). Four k of four columns are read
 * as four vectors and transposed in registers (two rounds of interleaving shuffles), so 16 floats move with 4
 * loads and 4 stores instead of 16 scalar loads and stores; the last kc % 4 rows go one float at a time.
 */
function packTransFn(w: number): Fn {
  const f = new Fn(`packTrans${w}`, ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, sW, kc, panels, dst] = [0, 1, 2, 3, 4];
  const q = f.local('i32'), p = f.local('i32'), base = f.local('i32'), row = f.local('i32'), k4 = f.local('i32');
  const r = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const t = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  f.get(kc).i32(-4).i32And().set(k4);
  f.forRange(q, () => f.i32(0), () => f.get(panels), 1, () => {
    f.get(src).get(q).get(sW).i32Mul().i32(w).i32Mul().i32Add().set(base);
    f.forRange(p, () => f.i32(0), () => f.get(k4), 4, () => {
      for (let g = 0; g < w / 4; g++) {
        // Columns 4g..4g+3, k = p..p+3: r[c] holds column c's four k.
        for (let c = 0; c < 4; c++) {
          f.get(base).get(p).i32(4).i32Mul().i32Add();
          if (4 * g + c > 0) f.get(sW).i32(4 * g + c).i32Mul().i32Add();
          f.v128Load().set(r[c]);
        }
        f.get(r[0]).get(r[1]).i8x16Shuffle(lanes32([0, 4, 1, 5])).set(t[0]);
        f.get(r[0]).get(r[1]).i8x16Shuffle(lanes32([2, 6, 3, 7])).set(t[1]);
        f.get(r[2]).get(r[3]).i8x16Shuffle(lanes32([0, 4, 1, 5])).set(t[2]);
        f.get(r[2]).get(r[3]).i8x16Shuffle(lanes32([2, 6, 3, 7])).set(t[3]);
        // k = p + j for the four columns, stored at packed row j, lanes 4g..4g+3.
        const out = [[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]] as const;
        out.forEach(([x, y, l], j) => {
          f.get(dst).get(t[x]).get(t[y]).i8x16Shuffle(lanes32([...l])).v128Store(4 * (j * w + 4 * g));
        });
      }
      f.get(dst).i32(16 * w).i32Add().set(dst);
    });
    f.forRange(p, () => f.get(k4), () => f.get(kc), 1, () => {
      f.get(base).get(p).i32(4).i32Mul().i32Add().set(row);
      gatherOneK(f, w, row, sW, dst);
    });
  });
  return f;
}

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
function im2colRowFn(): Fn {
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
function col2imRowFn(): Fn {
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

/**
 * maxPool(x, y, argmax, planes, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW): torch's rules, as the
 * reference: padding never wins, the first maximum in row-major window order wins ties, a NaN wins and stops.
 */
function maxPoolFn(): Fn {
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
function maxPoolUnrolledFn(kh: number, kw: number): Fn {
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

/**
 * kernel(kc, pa, pb, c, ldc, acc): C[mr x 8] (+)= packedA[kc x mr]ᵀ · packedB[kc x 8], C rows ldc bytes apart; the
 * product is added to C when acc != 0 and stored over it otherwise (the first K block: no zeroing pass needed).
 */
function microKernel(v: KernelVariant): Fn {
  const f = new Fn('kernel', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [kc, pa, pb, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5];
  return microKernelBody(f, v, { kc, pa, pb, c, ldc, accumulate });
}

/**
 * The micro-kernel on an unpacked A: kernelA(kc, a, rowBytes, kBytes, pb, c, ldc, acc), A's value (r, k) at
 * a + r*rowBytes + k*kBytes. Row-major A (rowBytes = lda*4, kBytes = 4) and transposed A (rowBytes = 4,
 * kBytes = lda*4) are both read in place, which saves packing A when there are too few column tiles to repay it.
 */
function microKernelDirectA(v: KernelVariant): Fn {
  const f = new Fn('kernelA', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [kc, pa, rowBytes, kBytes, pb, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  // Byte offsets of rows 1..MR-1 from the pointer, one i32 local each (row 0 is read at the pointer itself).
  const rowOffsets = [rowBytes];
  for (let r = 2; r < v.mr; r++) {
    const o = f.local('i32');
    f.get(rowBytes).i32(r).i32Mul().set(o);
    rowOffsets.push(o);
  }
  return microKernelBody(f, v, { kc, pa, pb, c, ldc, accumulate }, { rowOffsets, kBytes });
}

function microKernelBody(
  f: Fn,
  v: KernelVariant,
  p: { kc: number; pa: number; pb: number; c: number; ldc: number; accumulate: number },
  direct?: { rowOffsets: number[]; kBytes: number },
): Fn {
  const { kc, pa, pb, c, ldc, accumulate } = p;
  const t = tileLocals(f, v, pa);
  const { acc, b0, b1 } = t;
  for (const x of acc) f.v128Zero().set(x);
  // One k step: two B vectors, MR broadcasts of A, MR*2 multiply-adds into the accumulators.
  const step = (): void => {
    f.get(pb).v128Load(0).set(b0);
    f.get(pb).v128Load(16).set(b1);
    emitTileStep(f, v, t, direct);
    f.get(pb).i32(4 * NR).i32Add().set(pb);
  };
  // Unrolling k (even by 2) makes V8 hoist the loads and spill: one step per iteration is fastest.
  f.loop();
  step();
  f.get(kc).i32(1).i32Sub().tee(kc).brIf(0);
  f.end();
  f.get(accumulate).if_();
  for (let r = 0; r < v.mr; r++) {
    for (let h = 0; h < 2; h++) f.get(c).get(c).v128Load(16 * h).get(acc[2 * r + h]).f32x4Add().v128Store(16 * h);
    f.get(c).get(ldc).i32Add().set(c);
  }
  f.else_();
  for (let r = 0; r < v.mr; r++) {
    for (let h = 0; h < 2; h++) f.get(c).get(acc[2 * r + h]).v128Store(16 * h);
    f.get(c).get(ldc).i32Add().set(c);
  }
  f.end();
  return f;
}

/**
 * macro(mTiles, nTiles, kc, pa, pb, c, ldc, acc): every tile of a packed A block times a packed B block.
 * With `directA`, macroA(mTiles, nTiles, kc, a, rowBytes, kBytes, pb, c, ldc, acc): every full row tile of an
 * unpacked A (see microKernelDirectA) times a packed B block.
 */
function macroKernel(v: KernelVariant, kernelIndex: number, directA = false): Fn {
  const f = directA
    ? new Fn('macroA', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'])
    : new Fn('macro', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [mT, nT, kc, a] = [0, 1, 2, 3];
  const [rowBytes, kBytes] = directA ? [4, 5] : [-1, -1];
  const [pb, c, ldc, accumulate] = directA ? [6, 7, 8, 9] : [4, 5, 6, 7];
  const i = f.local('i32'), j = f.local('i32');
  f.forRange(j, () => f.i32(0), () => f.get(nT), 1, () => {
    f.forRange(i, () => f.i32(0), () => f.get(mT), 1, () => {
      f.get(kc);
      // Row tile i of A: mr rows further in place, or mr*kc floats further in the packed block.
      if (directA) f.get(a).get(i).get(rowBytes).i32Mul().i32(v.mr).i32Mul().i32Add().get(rowBytes).get(kBytes);
      else f.get(a).get(i).get(kc).i32Mul().i32(4 * v.mr).i32Mul().i32Add();
      f.get(pb).get(j).get(kc).i32Mul().i32(4 * NR).i32Mul().i32Add();
      f.get(c).get(i).i32(v.mr).i32Mul().get(ldc).i32Mul().i32Add().get(j).i32(4 * NR).i32Mul().i32Add();
      f.get(ldc).get(accumulate);
      f.call(kernelIndex);
    });
  });
  return f;
}

/**
 * adam_*(p, g, m, v, vMax, count, oneMinusB1, b2, oneMinusB2, decay, stepSize, invBc2Sqrt, eps); count is a
 * multiple of 4. `decay` is the L2 factor (mode l2) or the shrink factor 1-lr*wd (mode decoupled).
 */
function adamFn(mode: AdamMode, amsgrad: boolean): Fn {
  const f = new Fn(adamExport(mode, amsgrad), ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32']);
  const [P, G, M, V, VM, count] = [0, 1, 2, 3, 4, 5];
  const scalars = [6, 7, 8, 9, 10, 11, 12];
  const [c1, b2, c2, decay, step, invBc2, eps] = scalars.map((s) => {
    const l = f.local('v128');
    f.get(s).f32x4Splat().set(l);
    return l;
  });
  const off = f.local('i32'), g = f.local('v128'), p = f.local('v128'), m = f.local('v128'), v = f.local('v128');
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(16).i32Mul(), 16, () => {
    f.get(G).get(off).i32Add().v128Load().set(g);
    f.get(P).get(off).i32Add().v128Load().set(p);
    if (mode === 'l2') f.get(g).get(decay).get(p).f32x4Mul().f32x4Add().set(g);
    if (mode === 'decoupled') f.get(p).get(decay).f32x4Mul().set(p);
    // m += (1-b1)(g-m): torch's lerp
    f.get(M).get(off).i32Add().v128Load().set(m);
    f.get(m).get(c1).get(g).get(m).f32x4Sub().f32x4Mul().f32x4Add().set(m);
    f.get(M).get(off).i32Add().get(m).v128Store();
    // v = b2 v + (1-b2) g g
    f.get(V).get(off).i32Add().v128Load().get(b2).f32x4Mul().get(c2).get(g).f32x4Mul().get(g).f32x4Mul().f32x4Add().set(v);
    f.get(V).get(off).i32Add().get(v).v128Store();
    if (amsgrad) {
      f.get(VM).get(off).i32Add().v128Load().get(v).f32x4Max().set(v);
      f.get(VM).get(off).i32Add().get(v).v128Store();
    }
    // p -= stepSize * m / (sqrt(v) * (1/bc2Sqrt) + eps). torch divides by bc2Sqrt; the multiply by its reciprocal
    // differs in the last bit at most, and the loop is bound by the divider: one division fewer per vector is
    // a fifth of the loop's time (200k weights, one thread: 188 -> 150 us).
    f.get(P).get(off).i32Add();
    f.get(p).get(step).get(m).get(v).f32x4Sqrt().get(invBc2).f32x4Mul().get(eps).f32x4Add().f32x4Div().f32x4Mul().f32x4Sub();
    f.v128Store();
  });
  return f;
}

/** sgd_*(p, g, buf, count, lr, wd, momentum, oneMinusDampening); count is a multiple of 4. */
function sgdFn(mode: MomentumMode, decay: boolean): Fn {
  const f = new Fn(sgdExport(mode, decay), ['i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32']);
  const [P, G, B, count] = [0, 1, 2, 3];
  const [lr, wd, mom, damp] = [4, 5, 6, 7].map((s) => {
    const l = f.local('v128');
    f.get(s).f32x4Splat().set(l);
    return l;
  });
  const off = f.local('i32'), d = f.local('v128'), p = f.local('v128'), b = f.local('v128');
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(16).i32Mul(), 16, () => {
    f.get(G).get(off).i32Add().v128Load().set(d);
    f.get(P).get(off).i32Add().v128Load().set(p);
    if (decay) f.get(d).get(wd).get(p).f32x4Mul().f32x4Add().set(d);
    if (mode !== 'none') {
      if (mode === 'first' || mode === 'nesterovFirst') f.get(d).set(b);
      else f.get(mom).get(B).get(off).i32Add().v128Load().f32x4Mul().get(damp).get(d).f32x4Mul().f32x4Add().set(b);
      f.get(B).get(off).i32Add().get(b).v128Store();
      if (mode === 'nesterovFirst' || mode === 'nesterovRunning') f.get(d).get(mom).get(b).f32x4Mul().f32x4Add().set(d);
      else f.get(b).set(d);
    }
    f.get(P).get(off).i32Add().get(p).get(lr).get(d).f32x4Mul().f32x4Sub().v128Store();
  });
  return f;
}

/**
 * relu(x, y, count): y = max(x, 0) with wasm's max, which is torch's relu exactly: NaN stays NaN, -0 becomes +0.
 * count is a multiple of 4.
 */
function reluFn(): Fn {
  const f = new Fn('relu', ['i32', 'i32', 'i32']);
  const [X, Y, count] = [0, 1, 2];
  const off = f.local('i32'), zero = f.local('v128');
  f.v128Zero().set(zero);
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(4).i32Mul(), 16, () => {
    f.get(Y).get(off).i32Add();
    f.get(X).get(off).i32Add().v128Load().get(zero).f32x4Max();
    f.v128Store();
  });
  return f;
}

/** reluGrad(x, dy, dx, count): dx = dy where x > 0, else +0 (torch's threshold_backward). count: multiple of 4. */
function reluGradFn(): Fn {
  const f = new Fn('reluGrad', ['i32', 'i32', 'i32', 'i32']);
  const [X, DY, DX, count] = [0, 1, 2, 3];
  const off = f.local('i32'), zero = f.local('v128');
  f.v128Zero().set(zero);
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(4).i32Mul(), 16, () => {
    f.get(DX).get(off).i32Add();
    f.get(DY).get(off).i32Add().v128Load();
    f.get(X).get(off).i32Add().v128Load().get(zero).f32x4Gt();
    f.v128And().v128Store();
  });
  return f;
}

/**
 * nonFinite(addr, rows, vecs, rowBytes) -> i32: 1 if any of `rows` rows of `vecs` v128 (rows `rowBytes` apart)
 * holds a NaN or ±Inf (exponent bits all ones). Kernels scan their outputs with it while they are still in the heap,
 * so the autograd's NaN/Inf tracker can skip its JavaScript pass (~10x slower) over them.
 */
function nonFiniteFn(): Fn {
  const f = new Fn('nonFinite', ['i32', 'i32', 'i32', 'i32'], ['i32']);
  const [addr, rows, vecs, rowBytes] = [0, 1, 2, 3];
  const r = f.local('i32'), p = f.local('i32'), end = f.local('i32'), mask = f.local('v128'), acc = f.local('v128');
  f.i32x4Const(0x7f800000).set(mask);
  f.v128Zero().set(acc);
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(addr).get(r).get(rowBytes).i32Mul().i32Add().tee(p);
    f.get(vecs).i32(16).i32Mul().i32Add().set(end);
    f.block().loop();
    f.get(p).get(end).i32GeS().brIf(1);
    f.get(acc).get(p).v128Load().get(mask).v128And().get(mask).i32x4Eq().v128Or().set(acc);
    f.get(p).i32(16).i32Add().set(p).br(0);
    f.end().end();
  });
  f.get(acc).v128AnyTrue();
  return f;
}

export const MAX_PAGES = 32768; // 2 GiB: shared memories must declare a maximum

export function buildKernelsModule(v: KernelVariant): Uint8Array<ArrayBuffer> {
  const fns: Fn[] = [microKernel(v)];
  fns.push(macroKernel(v, 0), packFn(), packContigFn(NR), packGatherFn(v.mr), packGatherFn(NR), im2colRowFn(), col2imRowFn(), maxPoolFn(), maxPoolUnrolledFn(2, 2), maxPoolUnrolledFn(3, 3));
  fns.push(reluFn(), reluGradFn());
  for (const mode of ADAM_MODES) for (const ams of [false, true]) fns.push(adamFn(mode, ams));
  for (const mode of MOMENTUM_MODES) for (const wd of [false, true]) fns.push(sgdFn(mode, wd));
  fns.push(nonFiniteFn(), lstmCellFn(), lstmCellGradFn(), gruCellFn(), gruCellGradFn());
  fns.push(...convDirectFns(v, fns.length), maxPool2x2VecFn(), colSumsFn(), planeSumsFn(), maxPoolBackFn());
  const kernelA = fns.length;
  fns.push(microKernelDirectA(v), macroKernel(v, kernelA, true), packTransFn(NR));
  // The vector packs of A's MR-row panels need MR to be whole vectors: 4 on Node 20, not 6 (packCalls then gathers).
  if (v.mr % 4 === 0) fns.push(packTransFn(v.mr), packContigFn(v.mr));
  for (const fn of ACTIVATION_FNS) fns.push(activationFn(fn), activationGradFn(fn));
  return buildModule(fns, { initial: 1, maximum: MAX_PAGES, shared: true });
}

/** Whether this runtime accepts relaxed-SIMD FMA (Node 24 by default, Node 20 only with a flag). */
export function relaxedSimdAvailable(): boolean {
  const g = new Fn('t', [], []);
  const acc = g.local('v128');
  g.v128Zero().v128Zero().v128Zero().f32x4RelaxedMadd().set(acc);
  return WebAssembly.validate(buildModule([g], { initial: 1, maximum: 1, shared: false }));
}

export function simdAvailable(): boolean {
  const g = new Fn('t', [], []);
  const acc = g.local('v128');
  g.v128Zero().set(acc);
  return WebAssembly.validate(buildModule([g], { initial: 1, maximum: 1, shared: false }));
}
