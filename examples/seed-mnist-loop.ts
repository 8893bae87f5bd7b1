// The first seed document's PyTorch script, ported line by line: an MLP on MNIST trained with Adam in the user's
// own loop, then evaluated under no_grad. Each line is the Python line it ports (docs/porting-from-pytorch.md).
// On the same 8,000 / 2,000 digits PyTorch reaches 91.40% test accuracy (median of 5 seeds; the seed document quotes
// 91.6%), Gradlens 91.35% (scripts/measure-pytorch-seeds.py, docs/porting-from-pytorch.md). Run: gradlens train examples/seed-mnist-loop.ts
import { torch, nn, optim, datasets, transforms, DataLoader, type Tensor } from 'gradlens';

// Seeds pick the initial weights; the loaders keep their own shuffling seed (docs/porting-from-pytorch.md).
const SEED = Number(process.env.SEED ?? 0);
const num_epochs = Number(process.env.EPOCHS ?? 3);
torch.manual_seed(SEED);

// transform = transforms.ToTensor()
const transform = transforms.ToTensor();
// train_dataset = datasets.MNIST(root='./data', train=True, transform=transform, download=True)
const train_dataset = new datasets.MNIST('./data', { train: true, transform, download: true });
const test_dataset = new datasets.MNIST('./data', { train: false, transform, download: true });
// train_loader = DataLoader(train_dataset, batch_size=64, shuffle=True)
const train_loader = new DataLoader(train_dataset, { batch_size: 64, shuffle: true, seed: SEED });
const test_loader = new DataLoader(test_dataset, { batch_size: 64, shuffle: false });

// class MLP(nn.Module): flatten, fc1 = Linear(28 * 28, 128), ReLU, fc2 = Linear(128, 10)
class MLP extends nn.Module {
  flatten = new nn.Flatten();
  fc1 = new nn.Linear(28 * 28, 128);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(128, 10);

  forward(x: Tensor): Tensor {
    x = this.flatten(x);
    x = this.relu(this.fc1(x));
    return this.fc2(x);
  }
}

const model = new MLP();
const loss_fn = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });

for (let epoch = 0; epoch < num_epochs; epoch++) {
  model.train();
  let running_loss = 0;
  // for batch_idx, (inputs, targets) in enumerate(train_loader):
  for (const [inputs, targets] of train_loader) {
    optimizer.zero_grad();
    const outputs = model(inputs);
    const loss = loss_fn(outputs, targets);
    loss.backward();
    optimizer.step();
    running_loss += loss.item();
  }
  console.log(`Epoch ${epoch + 1}/${num_epochs}, loss: ${(running_loss / train_loader.length).toFixed(4)}`);
}

// model.eval(); correct = 0; total = 0
model.eval();
let correct = 0;
let total = 0;
// with torch.no_grad():
torch.no_grad(() => {
  for (const [inputs, targets] of test_loader) {
    const outputs = model(inputs);
    // _, predicted = torch.max(outputs.data, 1)
    const [, predicted] = torch.max(outputs, 1);
    total += targets.size(0);
    // correct += (predicted == targets).sum().item()
    correct += predicted.eq(targets).sum().item();
  }
});
console.log(`Test accuracy: ${((100 * correct) / total).toFixed(2)}%`);
