#!/usr/bin/python3
"""PyTorch's test accuracy for the two seed documents' scripts (issue 21), on the digits Gradlens bundles, so the
ports in examples/seed-mnist-loop.ts and examples/seed-linear-loop.ts can be judged against PyTorch itself.

Run with Debian's interpreter (apt-get install python3-torch python3-torchvision):
    /usr/bin/python3 scripts/measure-pytorch-seeds.py [--seeds 0,1,2,3,4]
Prints a table and writes test/fixtures/pytorch_seeds_accuracy.json (per seed and the median).

The digits are the ones datasets.MNIST serves in Gradlens (train 8,000, test 2,000: the split of
test/fixtures/pytorch_mnist_accuracy.py, which this reuses). They are written as MNIST's idx files into
<tmp>/MNIST/raw/*-ubyte, so torchvision's own datasets.MNIST reads them and nothing is downloaded. The bundled
pixels are in [0, 1] rounded to 3 decimals; the idx files hold round(255 * p) as MNIST's own do, so ToTensor gives
k / 255 (within 0.002 of the bundled value).

The two scripts are the seeds' loops as written, with only the dataset root changed:
  mnist-loop:  Flatten, Linear(784, 128), ReLU, Linear(128, 10); CrossEntropyLoss; Adam lr 0.001; 3 epochs,
               batch 64, shuffled; ToTensor only; evaluation with torch.max(outputs.data, 1) under no_grad.
  linear-loop: Linear(784, 10) on x.view(-1, 784); F.cross_entropy; SGD lr 0.01; 10 epochs, batch 64, shuffled;
               train_epoch(model, loader, optimizer) and evaluate(model, loader) functions.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'examples', 'pytorch'))
# The bundled split written as MNIST's four idx files under root/MNIST/raw (what torchvision looks for): the same
# writer the PyTorch examples use.
from prepare_mnist import write_idx  # noqa: E402

OUT = os.path.join(ROOT, 'test', 'fixtures', 'pytorch_seeds_accuracy.json')


def loaders(root):
    transform = transforms.ToTensor()
    train_dataset = datasets.MNIST(root=root, train=True, transform=transform, download=False)
    test_dataset = datasets.MNIST(root=root, train=False, transform=transform, download=False)
    assert len(train_dataset) == 8000 and len(test_dataset) == 2000, (len(train_dataset), len(test_dataset))
    train_loader = DataLoader(train_dataset, batch_size=64, shuffle=True)
    test_loader = DataLoader(test_dataset, batch_size=64, shuffle=False)
    return train_loader, test_loader


# ---- the first seed: an MLP with Adam, its loop written out ------------------------------------------------------

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        return self.fc2(x)


def mnist_loop(root, seed):
    torch.manual_seed(seed)
    train_loader, test_loader = loaders(root)
    model = MLP()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    num_epochs = 3
    for epoch in range(num_epochs):
        model.train()
        for batch_idx, (inputs, targets) in enumerate(train_loader):
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = loss_fn(outputs, targets)
            loss.backward()
            optimizer.step()
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for inputs, targets in test_loader:
            outputs = model(inputs)
            _, predicted = torch.max(outputs.data, 1)
            total += targets.size(0)
            correct += (predicted == targets).sum().item()
    return correct / total


# ---- the second seed: a linear model with SGD, in train_epoch / evaluate functions -------------------------------

class LinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.linear(x.view(-1, 28 * 28))


def train_epoch(model, loader, optimizer):
    model.train()
    total_loss = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = F.cross_entropy(outputs, targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(loader)


def evaluate(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            predicted = outputs.argmax(1)
            correct += (predicted == targets).sum().item()
    return correct / len(loader.dataset)


def linear_loop(root, seed):
    torch.manual_seed(seed)
    train_loader, test_loader = loaders(root)
    model = LinearModel()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    per_epoch = []
    for epoch in range(10):
        train_epoch(model, train_loader, optimizer)
        per_epoch.append(evaluate(model, test_loader))
    return per_epoch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', default='0,1,2,3,4', help='comma-separated torch.manual_seed values')
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(',')]
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    result = {
        'generator': 'scripts/measure-pytorch-seeds.py', 'torch': torch.__version__,
        'data': 'the bundled digits as idx files read by torchvision datasets.MNIST (train 8000, test 2000), ToTensor only',
        'seeds': seeds,
    }
    with tempfile.TemporaryDirectory() as root:
        write_idx(root)
        for name, run in (('mnist-loop', mnist_loop), ('linear-loop', linear_loop)):
            t0 = time.time()
            per_seed = []
            for s in seeds:
                acc = run(root, s)
                per_seed.append(acc)
                final = acc[-1] if isinstance(acc, list) else acc
                print(f'{name} seed {s}: {final * 100:.2f}% ({time.time() - t0:.0f} s)', file=sys.stderr)
            if isinstance(per_seed[0], list):
                # The linear seed evaluates after every epoch: keep each epoch's figure (a shorter test run compares
                # against the epoch it stops at).
                epochs = [[r[e] for r in per_seed] for e in range(len(per_seed[0]))]
                result[name] = {'median': statistics.median(r[-1] for r in per_seed), 'per_seed': [r[-1] for r in per_seed],
                                'median_by_epoch': [statistics.median(e) for e in epochs]}
            else:
                result[name] = {'median': statistics.median(per_seed), 'per_seed': per_seed}
    with open(OUT, 'w') as f:
        json.dump(result, f, indent=1)
        f.write('\n')
    for name in ('mnist-loop', 'linear-loop'):
        r = result[name]
        print(f"{name}: median {r['median'] * 100:.2f}% (seeds: {', '.join(f'{a * 100:.2f}%' for a in r['per_seed'])})")


if __name__ == '__main__':
    main()
