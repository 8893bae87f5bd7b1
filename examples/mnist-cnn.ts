// The classic small CNN on MNIST (two conv/pool blocks, then two linear layers), trained with Adam.
// PyTorch 1.13 is above 94.2% after 3 epochs on this split.
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(
    new nn.Conv2d(1, 10, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(10, 20, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(320, 50), new nn.ReLU(), new nn.Linear(50, 10)),
  data: data.mnist({ train: 8000, test: 2000 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.Adam(params, { lr: 1e-3 }),
  epochs: 3,
  batchSize: 64,
  seed: 42,
});
