// Activation benchmark (on demand, not a unit test): training-step times of models whose cost is in their
// activations, on the engine's default backends, so a change to the Activation kernels (tanh, sigmoid) or to ReLU
// can be measured end to end.
//   node bench/run-bundled.mjs bench/activation-steps.mjs [--seconds 3]   (bundled, with the engine child's flags)
// Models: the MNIST MLP 784-256-10 with ReLU, Tanh or Sigmoid, and nn.RNN(28, 128) (tanh) over 28 steps with a
// Linear(128, 10) head; Adam, batch 64, random inputs. Prints min and median step time per model (after 1.5 s of
// warm-up). Measured 2026-11-23 (2 cores, two wasm threads), before the Activation kernel -> after: MLP+Tanh
// 1351 -> 921 us min, MLP+Sigmoid 1249 -> 924 us (MLP+ReLU 860-908 us), RNN 16.0 -> 10.4-10.8 ms.
import { nn, optim, randn, tensor, manual_seed } from '../engine/index.ts';
import { initBackends } from '../engine/kernels/register-backends.ts';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const SECONDS = arg('seconds', 3);
const BATCH = 64;

class Rnn extends nn.Module {
  rnn = new nn.RNN(28, 128, { batch_first: true });
  head = new nn.Linear(128, 10);
  forward(x) {
    const [out] = this.rnn(x);
    return this.head(out.narrow(1, out.shape[1] - 1, 1).squeeze(1));
  }
}

const models = {
  'mlp-relu': () => [new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)), [BATCH, 784]],
  'mlp-tanh': () => [new nn.Sequential(new nn.Linear(784, 256), new nn.Tanh(), new nn.Linear(256, 10)), [BATCH, 784]],
  'mlp-sigmoid': () => [new nn.Sequential(new nn.Linear(784, 256), new nn.Sigmoid(), new nn.Linear(256, 10)), [BATCH, 784]],
  rnn: () => [new Rnn(), [BATCH, 28, 28]],
};

const report = await initBackends({ backend: 'auto' });
console.log(`backends: Activation on ${report.kernels.Activation}, Relu on ${report.kernels.Relu}, MatMul on ${report.kernels.MatMul}`);
for (const [name, make] of Object.entries(models)) {
  manual_seed(0);
  const [model, shape] = make();
  const x = randn(shape);
  const y = tensor(Array.from({ length: BATCH }, (_, i) => (i * 7) % 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const step = () => {
    opt.zero_grad();
    lossFn(model(x), y).backward();
    opt.step();
  };
  for (const w0 = performance.now(); performance.now() - w0 < 1500; ) step();
  const times = [];
  for (const t0 = performance.now(); performance.now() - t0 < SECONDS * 1000; ) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const us = (ms) => `${Math.round(ms * 1000)} us`;
  console.log(`${name.padEnd(12)} steps ${times.length}  min ${us(times[0])}  median ${us(times[times.length >> 1])}`);
}
process.exit(0);
