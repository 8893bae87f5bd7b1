// lr-spike.ts written as a PyTorch user writes training: their own loop. The learning rate jumps 100x at step 150
// (a bad schedule, or a typo in a config); the loss spikes right after, and Gradlens stops there under
// `gradlens train examples/lr-spike-loop.ts --break-on lossSpike` or Debug Current Model, as for a definition.
import { torch, nn, optim, DataLoader, datasets, transforms } from 'gradlens';

torch.manual_seed(11);
const train_dataset = new datasets.MNIST('./data', { train: true, transform: transforms.ToTensor() });
const train_loader = new DataLoader(train_dataset, { batch_size: 32, shuffle: true });

const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const loss_fn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });

let step = 0;
for (const [inputs, targets] of train_loader) {
  if (step === 150) for (const g of optimizer.param_groups) g.lr = 5;
  optimizer.zero_grad();
  const loss = loss_fn(model(inputs), targets);
  loss.backward();
  optimizer.step();
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
  step++;
}
