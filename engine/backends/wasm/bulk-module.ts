// Zeroing and moving bytes inside the heap with WebAssembly's bulk-memory instructions. On a shared memory V8 runs
// a JavaScript Float32Array fill or set element by element (relaxed atomics): zeroing a 1.5 MB conv gradient took
// ~150 us through `fill` against ~25 us on an ordinary array. memory.fill and memory.copy are plain memset/memmove.
import { Fn } from './emitter';

/** zeroBytes(dst, bytes): `bytes` zero bytes from byte address `dst`. */
export function zeroBytesFn(): Fn {
  const f = new Fn('zeroBytes', ['i32', 'i32']);
  f.get(0).i32(0).get(1).memoryFill();
  return f;
}

/** copyBytes(dst, src, bytes): moves `bytes` bytes from `src` to `dst` (the ranges may overlap). */
export function copyBytesFn(): Fn {
  const f = new Fn('copyBytes', ['i32', 'i32', 'i32']);
  f.get(0).get(1).get(2).memoryCopy();
  return f;
}

/**
 * copyRows(src, dst, planes, rows, rowBytes, srcRowBytes, srcPlaneBytes, dstRowBytes, dstPlaneBytes): `planes`
 * planes of `rows` rows of `rowBytes` each, rows and planes at their own pitch on each side: an image batch spread
 * into zero-padded planes, or gathered back out of wider ones, in one call, where a JavaScript loop made one `set`
 * per row (25,600 for the input gradient of the no-pool CNN's conv2). Rows shorter than LONG_ROW_BYTES are copied by
 * a v128 loop: memory.copy leaves wasm for V8's memmove, ~7 ns a call, and that CNN's 80-byte dy rows then took
 * 0.19 ms a call of 25,600 rows. Source and destination must not overlap.
 */
const LONG_ROW_BYTES = 256;

export function copyRowsFn(): Fn {
  const f = new Fn('copyRows', new Array<'i32'>(9).fill('i32'));
  const [src, dst, planes, rows, rowBytes, srcRowBytes, srcPlaneBytes, dstRowBytes, dstPlaneBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const p = f.local('i32'), r = f.local('i32'), s = f.local('i32'), d = f.local('i32'), o = f.local('i32');
  f.forRange(p, () => f.i32(0), () => f.get(planes), 1, () => {
    f.get(src).get(p).get(srcPlaneBytes).i32Mul().i32Add().set(s);
    f.get(dst).get(p).get(dstPlaneBytes).i32Mul().i32Add().set(d);
    f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
      f.get(rowBytes).i32(LONG_ROW_BYTES).i32LtS().if_();
      // A short row as whole vectors, then its last floats one by one.
      f.forRange(o, () => f.i32(0), () => f.get(rowBytes).i32(-16).i32And(), 16, () => {
        f.get(d).get(o).i32Add().get(s).get(o).i32Add().v128Load().v128Store();
      });
      f.forRange(o, () => f.get(o), () => f.get(rowBytes), 4, () => {
        f.get(d).get(o).i32Add().get(s).get(o).i32Add().f32Load().f32Store();
      });
      f.else_();
      f.get(d).get(s).get(rowBytes).memoryCopy();
      f.end();
      f.get(d).get(dstRowBytes).i32Add().set(d);
      f.get(s).get(srcRowBytes).i32Add().set(s);
    });
  });
  return f;
}

/**
 * repeatRow(src, dst, rows, rowBytes, dstRowBytes): the row of `rowBytes` at src copied into `rows` rows of dst,
 * dstRowBytes apart: a bias seeding a GEMM's output rows (what seedRows does in JavaScript), as one call that the
 * helper thread can run inside a command list.
 */
export function repeatRowFn(): Fn {
  const f = new Fn('repeatRow', new Array<'i32'>(5).fill('i32'));
  const [src, dst, rows, rowBytes, dstRowBytes] = [0, 1, 2, 3, 4];
  const r = f.local('i32');
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(dst).get(src).get(rowBytes).memoryCopy();
    f.get(dst).get(dstRowBytes).i32Add().set(dst);
  });
  return f;
}
