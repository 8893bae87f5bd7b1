// The heap's bulk moves (bulk-module.ts): copyRows takes short rows through a v128 loop and long ones through
// memory.copy; both must copy exactly the rows asked for, at any 4-byte alignment, and touch nothing else.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WasmRuntime } from '../../engine/backends/wasm/runtime';

let rt: WasmRuntime;
before(async () => {
  rt = await WasmRuntime.create({ threads: 1 });
});
after(async () => {
  await rt.dispose();
});

test('copyRows copies each plane\'s rows at their pitches, short rows and long, and writes nothing else', () => {
  const [planes, rows] = [3, 4];
  // 4-252 bytes take the vector loop (with and without a tail of single floats), 256 and up memory.copy.
  for (const rowFloats of [1, 3, 4, 5, 20, 25, 63, 64, 100]) {
    for (const shift of [0, 1, 3]) {
      const srcRow = rowFloats + 2;
      const srcPlane = rows * srcRow + 5;
      const dstRow = rowFloats + 7;
      const dstPlane = rows * dstRow + 3;
      const srcFloats = planes * srcPlane;
      const dstFloats = planes * dstPlane + 8;
      rt.heap.reset();
      const src = rt.heap.alloc(srcFloats + 4) + shift * 4;
      const dst = rt.heap.alloc(dstFloats + 4) + shift * 4;
      const f32 = rt.heap.f32;
      for (let i = 0; i < srcFloats; i++) f32[(src >> 2) + i] = i + 0.5;
      f32.fill(-7, dst >> 2, (dst >> 2) + dstFloats);
      rt.call(rt.fn('copyRows'), [src, dst, planes, rows, rowFloats * 4, srcRow * 4, srcPlane * 4, dstRow * 4, dstPlane * 4]);
      const want = new Float32Array(dstFloats).fill(-7);
      for (let p = 0; p < planes; p++)
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < rowFloats; c++) want[p * dstPlane + r * dstRow + c] = p * srcPlane + r * srcRow + c + 0.5;
      assert.deepEqual(Array.from(f32.subarray(dst >> 2, (dst >> 2) + dstFloats)), Array.from(want), `rows of ${rowFloats} floats, shifted ${shift}`);
    }
  }
});
