// The benchmark workloads, shared by bench/run.mjs and documented in docs/benchmarks.md. Model workloads are one
// training step (forward, cross-entropy, backward, Adam) at batch 64 on random data; their FLOP counts are the
// nominal 3x forward multiply-adds x 2 (forward, input gradient, weight gradient), for a GFLOP/s figure.
export const BATCH = 64;

const fwdFlops = {
  mlp: 2 * (784 * 256 + 256 * 10),
  cnn: 2 * (24 * 24 * 10 * 25 + 8 * 8 * 20 * 250 + 320 * 50 + 50 * 10),
  'cnn-nopool': 2 * (24 * 24 * 10 * 25 + 20 * 20 * 20 * 250 + 8000 * 50 + 50 * 10),
  lstm: 2 * (28 * (28 + 128) * 4 * 128 + 128 * 10),
};

export const WORKLOADS = [
  ...[128, 256, 512, 1024].map((n) => ({
    name: `matmul-${n}`,
    kind: 'matmul',
    describe: `C = A·B, ${n}x${n} float32`,
    flopsPerIter: 2 * n ** 3,
    samplesPerIter: 0,
  })),
  { name: 'mlp', kind: 'model', describe: 'MLP 784-256-10, ReLU', flopsPerIter: 3 * BATCH * fwdFlops.mlp, samplesPerIter: BATCH },
  {
    name: 'cnn',
    kind: 'model',
    describe: 'Conv2d(1,10,5) ReLU MaxPool2d(2) Conv2d(10,20,5) ReLU MaxPool2d(2) Flatten Linear(320,50) ReLU Linear(50,10)',
    flopsPerIter: 3 * BATCH * fwdFlops.cnn,
    samplesPerIter: BATCH,
  },
  {
    name: 'cnn-nopool',
    kind: 'model',
    describe: 'the same CNN without pooling (Linear(8000,50))',
    flopsPerIter: 3 * BATCH * fwdFlops['cnn-nopool'],
    samplesPerIter: BATCH,
  },
  {
    name: 'lstm',
    kind: 'model',
    describe: 'LSTM(28,128) over 28 steps (batch_first), last state -> Linear(128,10)',
    flopsPerIter: 3 * BATCH * fwdFlops.lstm,
    samplesPerIter: BATCH,
  },
];
