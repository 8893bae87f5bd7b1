// GEMM operand packing: op(A) in panels of MR rows and op(B) in panels of 8 (NR) columns, k-major inside a
// panel and zero-padded, so the micro-kernel (gemm-module.ts) has no edge cases. One general packer and three fast
// cases (contiguous columns, strided columns, transposed rows), chosen per call in gemm.ts.
import { Fn } from './emitter';

/** pack(src, strideK, strideW, kc, wide, W, dst): panels of W columns, k-major inside a panel, zero-padded. */
export function packFn(): Fn {
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

export function packContigFn(w: number): Fn {
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
export function packGatherFn(w: number): Fn {
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
export function packTransFn(w: number): Fn {
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
