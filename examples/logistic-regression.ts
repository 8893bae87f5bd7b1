// Multinomial logistic regression on MNIST: one linear layer 784 -> 10 trained with plain SGD (lr 0.01).
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10)),
  data: data.mnist({ train: 8000, test: 2000 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.01 }),
  epochs: 3,
  batchSize: 64,
  seed: 42,
});
