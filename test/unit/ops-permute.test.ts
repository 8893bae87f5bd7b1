// permute's data movement, including the block-copy path taken when the last dimension stays in place with rows of
// 16 or more (an RNN's batch_first transpose): every element lands where its index says, and the gradient goes back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../engine/index';

/** [A, B, C] values numbered 0.. in order, so a value names its own index. */
function numbered(shape: [number, number, number]): number[] {
  return Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => i);
}

for (const shape of [[3, 4, 20], [2, 5, 3]] as Array<[number, number, number]>) {
  for (const perm of [[1, 0, 2], [2, 1, 0], [0, 2, 1], [0, 1, 2]]) {
    test(`permute ${JSON.stringify(shape)} by ${JSON.stringify(perm)}: each value at its permuted index, gradient back`, () => {
      const leaf = tensor(numbered(shape), { requires_grad: true });
      const x = leaf.reshape(shape);
      const y = x.permute(...perm);
      const outShape = perm.map((p) => shape[p]);
      assert.deepEqual(y.shape, outShape);
      const strides = [shape[1] * shape[2], shape[2], 1];
      let k = 0;
      for (let i = 0; i < outShape[0]; i++) {
        for (let j = 0; j < outShape[1]; j++) {
          for (let l = 0; l < outShape[2]; l++) {
            const idx = [i, j, l];
            const src = perm.reduce((s, p, d) => s + idx[d] * strides[p], 0);
            assert.equal(y.data[k++], src);
          }
        }
      }
      y.mul(y).sum().backward();
      assert.deepEqual([...(leaf.grad as typeof leaf).data], numbered(shape).map((v) => 2 * v));
    });
  }
}
