// The GEMM micro-kernel and macro-kernel (Goto's scheme: op(A) packed MR rows at a time, op(B) 8 columns at a
// time, by gemm-pack-module.ts), and their variant that reads an unpacked A in place. Tile height and FMA are
// parameters (KernelVariant) because the best choice depends on the V8 version: with separate mul+add Node 20
// spills registers beyond a 4x8 tile (see shared measurements).
import { Fn } from './emitter';
import { NR, emitTileStep, tileLocals, type KernelVariant } from './tile-step';

/**
 * kernel(kc, pa, pb, c, ldc, acc): C[mr x 8] (+)= packedA[kc x mr]ᵀ · packedB[kc x 8], C rows ldc bytes apart. `acc`
 * says what the product is added to: 0, nothing (the first K block stores over C: no zeroing pass); 1, what C holds
 * (later K blocks); any other value is the byte address of the tile's 8 bias values, the same for every row (a
 * Linear layer's first K block: C = bias + A·B without a pass that writes the bias into every row of C first).
 */
export function microKernel(v: KernelVariant): Fn {
  const f = new Fn('kernel', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [kc, pa, pb, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5];
  return microKernelBody(f, v, { kc, pa, pb, c, ldc, accumulate });
}

/**
 * The micro-kernel on an unpacked A: kernelA(kc, a, rowBytes, kBytes, pb, c, ldc, acc), A's value (r, k) at
 * a + r*rowBytes + k*kBytes. Row-major A (rowBytes = lda*4, kBytes = 4) and transposed A (rowBytes = 4,
 * kBytes = lda*4) are both read in place, which saves packing A when there are too few column tiles to repay it.
 */
export function microKernelDirectA(v: KernelVariant): Fn {
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
  /** Stores the tile's rows, each half-row vector with `addend(h)` pushed before it (the sum's first term) or alone. */
  const storeRows = (addend?: (h: number) => void): void => {
    for (let r = 0; r < v.mr; r++) {
      for (let h = 0; h < 2; h++) {
        f.get(c);
        if (addend) addend(h);
        f.get(acc[2 * r + h]);
        if (addend) f.f32x4Add();
        f.v128Store(16 * h);
      }
      f.get(c).get(ldc).i32Add().set(c);
    }
  };
  f.get(accumulate).i32(1).i32GtU().if_();
  // The bias in the B registers, which the k loop is done with; bias + product, the order of seeding C with it.
  f.get(accumulate).v128Load(0).set(b0);
  f.get(accumulate).v128Load(16).set(b1);
  storeRows((h) => f.get(h === 0 ? b0 : b1));
  f.else_();
  f.get(accumulate).if_();
  storeRows((h) => f.get(c).v128Load(16 * h));
  f.else_();
  storeRows();
  f.end();
  f.end();
  return f;
}

/**
 * macro(mTiles, nTiles, kc, pa, pb, c, ldc, acc): every tile of a packed A block times a packed B block; a bias
 * address in `acc` (see kernel) is for the block's first column, and moves 8 floats per column tile.
 * With `directA`, macroA(mTiles, nTiles, kc, a, rowBytes, kBytes, pb, c, ldc, acc): every full row tile of an
 * unpacked A (see microKernelDirectA) times a packed B block.
 */
export function macroKernel(v: KernelVariant, directA = false): Fn {
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
      f.get(ldc);
      f.get(accumulate).get(j).i32(4 * NR).i32Mul().i32Add().get(accumulate).get(accumulate).i32(1).i32GtU().select();
      f.call(directA ? 'kernelA' : 'kernel');
    });
  });
  return f;
}
