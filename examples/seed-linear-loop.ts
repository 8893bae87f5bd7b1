// The second seed document's PyTorch script, ported line by line: a linear model on MNIST trained with plain SGD,
// its loop written as train_epoch(model, loader, optimizer) and evaluate(model, loader) functions.
// On the same 8,000 / 2,000 digits PyTorch reaches 87.15% test accuracy (median of 5 seeds), Gradlens 87.10%
// (scripts/measure-pytorch-seeds.py, docs/porting-from-pytorch.md). Run: gradlens train examples/seed-linear-loop.ts
import { torch, nn, optim, F, datasets, transforms, DataLoader, type Tensor } from 'gradlens';

// Seeds pick the initial weights; the loaders keep their own shuffling seed (docs/porting-from-pytorch.md).
const SEED = Number(process.env.SEED ?? 0);
const num_epochs = Number(process.env.EPOCHS ?? 10);
torch.manual_seed(SEED);

const transform = transforms.ToTensor();
const train_dataset = new datasets.MNIST('./data', { train: true, transform, download: true });
const test_dataset = new datasets.MNIST('./data', { train: false, transform, download: true });
const train_loader = new DataLoader(train_dataset, { batch_size: 64, shuffle: true, seed: SEED });
const test_loader = new DataLoader(test_dataset, { batch_size: 64, shuffle: false });

// class LinearModel(nn.Module): linear = nn.Linear(28 * 28, 10); forward: self.linear(x.view(-1, 28 * 28))
class LinearModel extends nn.Module {
  linear = new nn.Linear(28 * 28, 10);

  forward(x: Tensor): Tensor {
    return this.linear(x.view(-1, 28 * 28));
  }
}

// def train_epoch(model, loader, optimizer): returns the mean training loss of the epoch
function train_epoch(model: nn.Module, loader: DataLoader, optimizer: optim.Optimizer): number {
  model.train();
  let total_loss = 0;
  for (const [inputs, targets] of loader) {
    optimizer.zero_grad();
    const outputs = model(inputs);
    const loss = F.cross_entropy(outputs, targets);
    loss.backward();
    optimizer.step();
    total_loss += loss.item();
  }
  return total_loss / loader.length;
}

// def evaluate(model, loader): returns the accuracy over loader.dataset
function evaluate(model: nn.Module, loader: DataLoader): number {
  model.eval();
  let correct = 0;
  torch.no_grad(() => {
    for (const [inputs, targets] of loader) {
      const outputs = model(inputs);
      const predicted = outputs.argmax(1);
      correct += predicted.eq(targets).sum().item();
    }
  });
  return correct / loader.dataset.n;
}

const model = new LinearModel();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });

for (let epoch = 0; epoch < num_epochs; epoch++) {
  const train_loss = train_epoch(model, train_loader, optimizer);
  const accuracy = evaluate(model, test_loader);
  console.log(`Epoch ${epoch + 1}: train loss ${train_loss.toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(2)}%`);
}
console.log(`Test accuracy: ${(evaluate(model, test_loader) * 100).toFixed(2)}%`);
