# A 2-rank (or N-rank) DistributedDataParallel run on the CPU (gloo): `gradlens train examples/pytorch/ddp.py
# --nproc-per-node 2`. The ranks read torch.distributed's env:// variables (MASTER_ADDR, RANK, WORLD_SIZE, ...),
# as under torchrun. `--spike-step N` raises the learning rate there (a loss spike); `--crash-rank R --crash-step N`
# makes rank R fail at step N.
import argparse

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--spike-step", type=int, default=-1)
parser.add_argument("--crash-rank", type=int, default=-1)
parser.add_argument("--crash-step", type=int, default=-1)
args = parser.parse_args()

dist.init_process_group("gloo")
rank = dist.get_rank()
torch.manual_seed(0)
x = torch.randn(2048, 16)
y = (x @ torch.randn(16, 1)).squeeze(1)
data = TensorDataset(x, y)
sampler = DistributedSampler(data, shuffle=True, seed=0)
loader = DataLoader(data, batch_size=16, sampler=sampler)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(32, 1)

    def forward(self, inp):
        return self.fc2(self.act(self.fc1(inp))).squeeze(1)


model = DistributedDataParallel(Net())
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
step = 0
epoch = 0
while step < args.steps:
    sampler.set_epoch(epoch)
    for xb, yb in loader:
        if step == args.spike_step:
            for group in optimizer.param_groups:
                group["lr"] = 4.0
        if rank == args.crash_rank and step == args.crash_step:
            raise RuntimeError(f"rank {rank} failed on purpose at step {step}")
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        print(f"rank {rank} updated {step}")
        step += 1
        if step >= args.steps:
            break
    epoch += 1
dist.destroy_process_group()
