# A script that starts Gradlens itself, for jobs Gradlens does not launch (srun, torchrun, a notebook):
# `gradlens.watch(model, optimizer)` writes a run record (.gradlens/runs/*.jsonl) that `gradlens report` renders and
# `gradlens rescore` runs the detectors over. Run: PYTHONPATH=<gradlens>/python python examples/pytorch/watch.py
import sys

import torch
from torch import nn

import gradlens

gradlens.watch()  # first, so the layers built below keep their source lines
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
record = gradlens.watch(model, optimizer)
fail_at = int(sys.argv[1]) if len(sys.argv) > 1 else -1  # a step to fail at (the record ends with the error)
for step in range(30):
    if step == fail_at:
        raise ValueError(f"failed on purpose at step {step}")
    x = torch.randn(16, 8)
    loss = (model(x) - x.sum(dim=1, keepdim=True)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"record: {record}")
