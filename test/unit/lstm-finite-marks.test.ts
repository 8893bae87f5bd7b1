// The wasm LSTM kernels scan their outputs for NaN/Inf while they are still in the heap and mark them finite
// (engine/finite.ts), so the autograd's JavaScript scan skips them. A mark on an array that holds a NaN would hide
// the first non-finite op from the user, so these check both sides: finite results are marked, and a NaN that
// reaches an output leaves that output unmarked. Inside a backward pass the gate gradients are written straight into
// the pass arena (backends/wasm/pass-arena.ts) and handed out where they lie: same bits, same mark.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import type { PassArena } from '../../engine/backends/wasm/pass-arena';
import { knownFinite } from '../../engine/finite';
import type { KernelMap } from '../../engine/kernels/kernel-map';
import { forceBackend, registerBackend } from '../../engine/kernels/registry';
import { nn, randn } from '../../engine/index';
import { takeNonFiniteReport } from '../../engine/autograd';
import type { Tensor } from '../../engine/tensor';
import { randArray } from './kernels-reference';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 1 });
  registerBackend(wasm);
});
after(async () => {
  await wasm.dispose();
});

const at = { steps: 4, batch: 16, hidden: 32 };
const { steps: T, batch: B, hidden: H } = at;
const G = 4 * H;

/** A forward and a backward pass of the bench-like shape; `poison` may put a NaN into the forward's input. */
function run(poison: (xp: Float32Array, gOut: Float32Array) => void) {
  const k = wasm.kernels as Required<KernelMap>;
  const xp = randArray(T * B * G, 1, 4), w = randArray(G * H, 2, 0.5), bias = randArray(G, 3);
  const h0 = randArray(B * H, 4), c0 = randArray(B * H, 5), gOut = randArray((T + 1) * B * H, 6);
  poison(xp, gOut);
  const f = k.LstmSequence(xp, w, bias, h0, c0, at);
  const d = k.LstmSequenceGrad({ gOut, wHh: w, hs: f.hs, cs: f.cs, gates: f.gates }, { ...at, weightGrad: true, biasGrad: true });
  return { f, d };
}

test('wasm LstmSequenceGrad marks dGates, dh0 and dc0 finite when they are', () => {
  const { d } = run(() => undefined);
  assert.ok(knownFinite(d.dGates), 'dGates');
  assert.ok(knownFinite(d.dh0), 'dh0');
  assert.ok(knownFinite(d.dc0), 'dc0');
});

test('wasm LstmSequence marks hs and cs finite when they are, and not when a NaN reached them', () => {
  const { f } = run(() => undefined);
  assert.ok(knownFinite(f.hs) && knownFinite(f.cs));
  // A NaN in one input projection of the second step reaches that step's gates, c and h, and every later step.
  const poisoned = run((xp) => {
    xp[B * G + 3] = NaN;
  }).f;
  assert.ok(poisoned.hs.some(Number.isNaN) && poisoned.cs.some(Number.isNaN));
  assert.ok(!knownFinite(poisoned.hs) && !knownFinite(poisoned.cs));
});

test('nn.LSTM on wasm: the output of the layer node is marked when finite, and a NaN from W_hh is still reported at the lstm op', () => {
  forceBackend('wasm');
  try {
    const lstm = new nn.LSTM(8, 32);
    const x = randn([5, 16, 8]);
    const out = lstm(x)[0];
    // out = narrow(z): z is the lstm node's own output ([h_1..h_T, c_T]), the array the autograd would scan.
    const z = (out._node as { inputs: Tensor[] }).inputs[0];
    assert.equal(z._node?.op, 'lstm');
    assert.ok(knownFinite(z.data), 'finite states: the output is marked');
    takeNonFiniteReport();
    lstm.weight_hh_l0.data[5] = NaN;
    const bad = (lstm(x)[0]._node as { inputs: Tensor[] }).inputs[0];
    assert.ok(bad.data.some(Number.isNaN) && !knownFinite(bad.data), 'a NaN output is not marked');
    assert.equal(takeNonFiniteReport()?.op, 'lstm', 'the tracker names the lstm op');
  } finally {
    forceBackend(undefined);
  }
});

test('wasm LstmSequenceGrad leaves an output with a NaN unmarked', () => {
  // A NaN in the last step's output gradient reaches that step's gate gradients, and through them every earlier
  // step, dh0 and dc0.
  const { d } = run((_xp, gOut) => {
    gOut[(T - 1) * B * H + 7] = NaN;
  });
  assert.ok(d.dGates.some(Number.isNaN), 'the NaN reached dGates');
  assert.ok(!knownFinite(d.dGates), 'dGates');
  assert.ok(!knownFinite(d.dh0), 'dh0');
  assert.ok(!knownFinite(d.dc0), 'dc0');
});

test('wasm LstmSequenceGrad inside a backward pass: dGates lies in the pass arena, marked, with the same bits', () => {
  const outside = run(() => undefined).d;
  const arena = wasm.passArena as PassArena;
  // The first pass sizes the arena from what it asked for; the second has room.
  for (let pass = 0; pass < 2; pass++) {
    arena.beginPass();
    const was = arena.openFor();
    try {
      const { d } = run(() => undefined);
      if (pass === 1) {
        assert.ok(arena.owns(d.dGates), 'dGates is an arena view');
        assert.ok(knownFinite(d.dGates), 'dGates is marked');
        assert.deepEqual(new Uint32Array(d.dGates.slice().buffer), new Uint32Array(outside.dGates.slice().buffer));
        assert.deepEqual([...(d.dWhh as Float32Array)], [...(outside.dWhh as Float32Array)]);
      }
    } finally {
      arena.close(was);
      arena.endPass();
    }
  }
});
