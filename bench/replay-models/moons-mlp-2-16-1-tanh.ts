// The long converged run of docs/detectors.md, tanh variant: a 2-16-1 MLP on two-moons, trained far past convergence
// (gradlens train bench/replay-models/moons-mlp-2-16-1-tanh.ts --max-steps N --record run.jsonl).
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 1), new nn.Sigmoid()),
  data: data.moons({ n: 1000, noise: 0.1, task: 'binary' }),
  loss: new nn.BCELoss(),
  optimizer: (params) => new optim.Adam(params, { lr: 0.01 }),
  epochs: 100000,
  batchSize: 32,
  seed: 7,
});
