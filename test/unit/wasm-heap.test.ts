// The wasm heap's resident region: parameters and optimizer state live there so kernels use them in place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WasmHeap } from '../../engine/backends/wasm/heap';

test('resident buffers are zero-filled, 64-byte aligned, disjoint and recognised by address', () => {
  const heap = new WasmHeap();
  const a = heap.allocResident(10);
  const b = heap.allocResident(3);
  assert.deepEqual(Array.from(a), new Array(10).fill(0));
  assert.equal(a.byteOffset % 64, 0);
  assert.equal(b.byteOffset % 64, 0);
  assert.ok(b.byteOffset >= a.byteOffset + 64, 'b starts after a and its padding');
  assert.equal(heap.addressOf(a), a.byteOffset);
  assert.equal(heap.addressOf(new Float32Array(10)), -1, 'an ordinary array is not resident');
  assert.equal(heap.residentBytes(), 128);
});

test('use() hands out resident buffers in place and copies anything else into scratch above them', () => {
  const heap = new WasmHeap();
  const r = heap.allocResident(6);
  r.set([1, 2, 3, 4, 5, 6]);
  heap.reset();
  assert.equal(heap.use(r), r.byteOffset);
  assert.equal(heap.use(r, 8), r.byteOffset, 'padding up to the block size is allowed: it is zero');
  assert.notEqual(heap.use(r.subarray(1), 8), r.byteOffset + 4, 'a padded sub-view is copied: its tail is not its own');
  const plain = Float32Array.from([7, 8, 9]);
  const addr = heap.use(plain, 4);
  assert.ok(addr >= r.byteOffset + 64, 'scratch lies above the resident region');
  assert.deepEqual(Array.from(heap.f32.subarray(addr >> 2, (addr >> 2) + 4)), [7, 8, 9, 0]);
});

test('resident views stay valid when the memory grows', () => {
  const heap = new WasmHeap();
  const r = heap.allocResident(4);
  r.set([1, 2, 3, 4]);
  const before = heap.memory.buffer.byteLength;
  const big = heap.allocResident(8 << 20);
  assert.ok(heap.memory.buffer.byteLength > before, 'the memory grew');
  assert.equal(heap.addressOf(r), r.byteOffset, 'a view over the old buffer object is still ours');
  heap.f32[(r.byteOffset >> 2) + 1] = 20;
  assert.deepEqual(Array.from(r), [1, 20, 3, 4], 'the old view sees writes through the new one');
  assert.equal(big.length, 8 << 20);
});
