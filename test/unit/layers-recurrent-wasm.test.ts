// nn.LSTM, nn.GRU and nn.RNN on the wasm backend, where their gate arithmetic runs in the LstmCell and GruCell
// kernels and the plain RNN's tanh in the Activation kernel (v128 exp/sigmoid/tanh): outputs and every gradient
// agree with the same model on the reference backend, over a batch large enough for the vector path and split over
// two threads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { forceBackend, kernelBackends, registerBackend } from '../../engine/kernels/registry';
import { manual_seed, nn, type Tensor } from '../../engine/index';
import { assertAllClose, rnd } from './layers-helpers';

let wasm: WasmBackend;
before(async () => {
  wasm = await createWasmBackend({ threads: 2 });
  registerBackend(wasm);
});
after(async () => {
  forceBackend(undefined);
  await wasm.dispose();
});

/** The layer on wasm (with `kernel` running there) against the reference backend: every output and gradient. */
function assertWasmMatchesReference(kernel: 'LstmCell' | 'GruCell' | 'Activation', run: (backend: 'cpu' | 'wasm') => Float32Array[]): void {
  const ref = run('cpu');
  const got = run('wasm');
  assert.equal(kernelBackends()[kernel], 'wasm');
  assert.equal(got.length, ref.length);
  got.forEach((a, i) => assertAllClose(a, ref[i], 1e-4, `tensor ${i}`));
}

/** Output, h_n, c_n and the gradients of the input, the initial state and every parameter, on one backend. */
function runLstm(backend: 'cpu' | 'wasm'): Float32Array[] {
  forceBackend(backend);
  manual_seed(5);
  const lstm = new nn.LSTM(6, 64, { num_layers: 2 });
  const x = rnd([5, 64, 6], 21, true);
  const h0 = rnd([2, 64, 64], 22, true);
  const c0 = rnd([2, 64, 64], 23, true);
  const [out, [hn, cn]] = lstm(x, [h0, c0]) as unknown as [Tensor, [Tensor, Tensor]];
  out.mul(rnd(out.shape, 24)).sum().add(hn.sum()).add(cn.mul(cn).sum()).backward();
  const grads = [x, h0, c0, ...lstm.parameters()].map((t) => (t.grad as Tensor).data);
  return [out.data, hn.data, cn.data, ...grads];
}

test('LSTM on wasm: outputs and all gradients match the reference backend', () => assertWasmMatchesReference('LstmCell', runLstm));

/**
 * A layer with one state (GRU, plain RNN), 2 layers over 5 steps of a batch of 64, on one backend: output, h_n and the
 * gradients of the input, the initial state and every parameter.
 */
function runOneState(backend: 'cpu' | 'wasm', seed: number, make: () => nn.GRU | nn.RNN, hidden: number, batchFirst: boolean): Float32Array[] {
  forceBackend(backend);
  manual_seed(seed);
  const layer = make();
  const x = rnd(batchFirst ? [64, 5, 6] : [5, 64, 6], seed * 5, true);
  const h0 = rnd([2, 64, hidden], seed * 5 + 1, true);
  const [out, hn] = layer(x, h0) as unknown as [Tensor, Tensor];
  out.mul(rnd(out.shape, seed * 5 + 2)).sum().add(hn.mul(hn).sum()).backward();
  const grads = [x, h0, ...layer.parameters()].map((t) => (t.grad as Tensor).data);
  return [out.data, hn.data, ...grads];
}

/**
 * One LSTM called on two sequences before one backward: on wasm its input projection goes to one resident buffer
 * that the second call overwrites (nn/rnn.ts), so this fails if anything reads the first call's projection later.
 */
function runLstmTwice(backend: 'cpu' | 'wasm'): Float32Array[] {
  forceBackend(backend);
  manual_seed(6);
  const lstm = new nn.LSTM(6, 64, { batch_first: true });
  const a = rnd([64, 5, 6], 31, true);
  const b = rnd([64, 7, 6], 32, true);
  const [outA] = lstm(a) as unknown as [Tensor];
  const [outB] = lstm(b) as unknown as [Tensor];
  outA.mul(rnd(outA.shape, 33)).sum().add(outB.mul(outB).sum()).backward();
  return [outA.data, outB.data, a.grad!.data, b.grad!.data, ...lstm.parameters().map((p) => p.grad!.data)];
}

test('LSTM on wasm: two calls of one module before one backward match the reference backend', () => assertWasmMatchesReference('LstmCell', runLstmTwice));

test('GRU on wasm: outputs and all gradients match the reference backend', () =>
  assertWasmMatchesReference('GruCell', (b) => runOneState(b, 6, () => new nn.GRU(6, 64, { num_layers: 2, batch_first: true }), 64, true)));

test('RNN (tanh) on wasm: outputs and all gradients match the reference backend', () =>
  assertWasmMatchesReference('Activation', (b) => runOneState(b, 7, () => new nn.RNN(6, 128, { num_layers: 2 }), 128, false)));
