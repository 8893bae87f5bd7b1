// A healthy MLP whose learning rate jumps 100x at step 150 (an onStep callback standing in for a bad schedule
// or a typo in a config): the loss spikes right after, and Gradlens reports a lossSpike at that step.
import { nn, optim, data, defineTraining } from 'gradlens';

export default defineTraining({
  model: new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)),
  data: data.mnist({ train: 8000, test: 1000 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.05, momentum: 0.9 }),
  onStep: ({ step, optimizer }) => {
    if (step === 150) for (const g of optimizer.param_groups) g.lr = 5;
  },
  epochs: 1,
  batchSize: 32,
  seed: 11,
});
