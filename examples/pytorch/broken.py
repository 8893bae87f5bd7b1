# A model whose second layer expects the wrong input size: the error names this file and the line of the call.
import torch
from torch import nn

model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(30, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(4, 10)
loss = model(x).sum()
loss.backward()
optimizer.step()
