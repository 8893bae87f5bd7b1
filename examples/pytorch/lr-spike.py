# A healthy MLP whose learning rate is raised 400-fold at step 60 (a scheduler bug, say): the loss jumps, and
# `gradlens train examples/pytorch/lr-spike.py --break-on lossSpike` stops there, before that step's update.
# `--spike-step N` moves the spike; each applied update prints "updated <step>" so a test can see where it stopped.
import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--spike-step", type=int, default=60)
parser.add_argument("--steps", type=int, default=100)
args = parser.parse_args()

torch.manual_seed(0)
x = torch.randn(1024, 16)
y = (x @ torch.randn(16, 1)).squeeze(1)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(16, 32), nn.Tanh(), nn.Linear(32, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
step = 0
while step < args.steps:
    for xb, yb in loader:
        if step == args.spike_step:
            for group in optimizer.param_groups:
                group["lr"] = 4.0
        optimizer.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
        print(f"updated {step}")
        step += 1
        if step >= args.steps:
            break
