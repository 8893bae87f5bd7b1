// SGD and Adam run their updates through the kernel registry: on the WebAssembly backend they must follow the
// CPU reference's trajectory (within float32 rounding) and stay bit-reproducible, snapshots included.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { forceBackend, registerBackend } from '../../engine/kernels/registry';
import { nn, optim, manual_seed, randn } from '../../engine/index';
import { assertNear } from './optim-helpers';

type Param = InstanceType<typeof nn.Parameter>;
type Opt = InstanceType<typeof optim.SGD> | InstanceType<typeof optim.Adam>;

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
  registerBackend(wasm);
});
after(async () => {
  forceBackend(undefined);
  await wasm.dispose();
});

const makers: Array<[string, (ps: Param[]) => Opt]> = [
  ['SGD nesterov', (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 })],
  ['Adam amsgrad', (ps) => new optim.Adam(ps, { lr: 0.01, amsgrad: true, weight_decay: 0.1 })],
  ['AdamW', (ps) => new optim.AdamW(ps, { lr: 0.01 })],
];

function trajectory(backend: 'cpu' | 'wasm', make: (ps: Param[]) => Opt, snapshotAt = -1): Float32Array {
  forceBackend(backend);
  manual_seed(11);
  // 37 elements: not a multiple of the SIMD width, so the padded tail is exercised too.
  const p = new nn.Parameter(randn([37]));
  const opt = make([p]);
  let snap: ReturnType<Opt['snapshot']> | undefined;
  for (let s = 0; s < 8; s++) {
    if (s === snapshotAt) snap = opt.snapshot({ params: true });
    p.grad = randn([37]);
    opt.step();
  }
  if (snap) {
    opt.restore(snap);
    manual_seed(11);
    randn([37]);
    for (let s = 0; s < snapshotAt; s++) randn([37]);
    for (let s = snapshotAt; s < 8; s++) {
      p.grad = randn([37]);
      opt.step();
    }
  }
  forceBackend(undefined);
  return p.data.slice();
}

for (const [name, make] of makers) {
  test(`${name}: wasm follows the cpu trajectory and is reproducible`, () => {
    const cpu = trajectory('cpu', make);
    const w = trajectory('wasm', make);
    assertNear(w, cpu, name, 1e-5, 1e-6);
    assert.deepEqual(trajectory('wasm', make), w);
    assert.deepEqual(trajectory('wasm', make, 3), w, `${name}: replay after restore`);
  });
}
