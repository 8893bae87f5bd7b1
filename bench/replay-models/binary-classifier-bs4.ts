// bench/detectors-replay.ts input: examples/binary-classifier.ts with batch size 4 (8 epochs, 1600 steps).
// A small tanh network that separates two interleaved half-moons in 2-D, with a sigmoid output and binary
// cross-entropy (BCELoss on probabilities).
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(
    new nn.Linear(2, 16),
    new nn.Tanh(),
    new nn.Linear(16, 16),
    new nn.Tanh(),
    new nn.Linear(16, 1),
    new nn.Sigmoid(),
  ),
  data: data.moons({ n: 1000, noise: 0.1, task: 'binary' }),
  loss: new nn.BCELoss(),
  optimizer: (params) => new optim.Adam(params, { lr: 0.01 }),
  epochs: 8,
  batchSize: 4,
  seed: 7,
});
