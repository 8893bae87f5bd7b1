// The benchmark workloads, shared by bench/run.mjs and documented in docs/benchmarks.md. Model workloads are one
// training step (forward, cross-entropy, backward, Adam) at batch 64 on random data; their FLOP counts are the
// nominal 3x forward multiply-adds x 2 (forward, input gradient, weight gradient), for a GFLOP/s figure.
// `leastFlopsPerIter` is the work no implementation can skip: the forward pass, every weight's gradient and every
// layer's input gradient except the first layer's, whose input (the data) needs none. At a machine's peak rate it
// bounds how fast any code can train the model (the bench's wasm bound). `goal` is issue 26's goal for the model:
// Gradlens's best backend at that ratio of PyTorch's best configuration or above.
export const BATCH = 64;

const fwdFlops = {
  mlp: 2 * (784 * 256 + 256 * 10),
  cnn: 2 * (24 * 24 * 10 * 25 + 8 * 8 * 20 * 250 + 320 * 50 + 50 * 10),
  'cnn-nopool': 2 * (24 * 24 * 10 * 25 + 20 * 20 * 20 * 250 + 8000 * 50 + 50 * 10),
  lstm: 2 * (28 * (28 + 128) * 4 * 128 + 128 * 10),
};
/** Forward FLOPs of each model's first layer (conv1, fc1, the LSTM's input projection). */
const firstLayerFlops = {
  mlp: 2 * 784 * 256,
  cnn: 2 * 24 * 24 * 10 * 25,
  'cnn-nopool': 2 * 24 * 24 * 10 * 25,
  lstm: 2 * 28 * 28 * 4 * 128,
};
const model = (name, goal) => ({
  goal,
  flopsPerIter: 3 * BATCH * fwdFlops[name],
  leastFlopsPerIter: BATCH * (3 * fwdFlops[name] - firstLayerFlops[name]),
  samplesPerIter: BATCH,
});

export const WORKLOADS = [
  ...[128, 256, 512, 1024].map((n) => ({
    name: `matmul-${n}`,
    kind: 'matmul',
    describe: `C = A·B, ${n}x${n} float32`,
    flopsPerIter: 2 * n ** 3,
    leastFlopsPerIter: 2 * n ** 3,
    samplesPerIter: 0,
  })),
  { name: 'mlp', kind: 'model', describe: 'MLP 784-256-10, ReLU', ...model('mlp', 1.0) },
  {
    name: 'cnn',
    kind: 'model',
    describe: 'Conv2d(1,10,5) ReLU MaxPool2d(2) Conv2d(10,20,5) ReLU MaxPool2d(2) Flatten Linear(320,50) ReLU Linear(50,10)',
    ...model('cnn', 1.0),
  },
  {
    name: 'cnn-nopool',
    kind: 'model',
    describe: 'the same CNN without pooling (Linear(8000,50))',
    ...model('cnn-nopool', 0.8),
  },
  {
    name: 'lstm',
    kind: 'model',
    describe: 'LSTM(28,128) over 28 steps (batch_first), last state -> Linear(128,10)',
    ...model('lstm', 1.0),
  },
];
