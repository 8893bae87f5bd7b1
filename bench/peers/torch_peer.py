# PyTorch peer for bench/run.mjs: reads JSON commands on stdin, answers one JSON line each.
# {"cmd":"run","workload":"mlp","seconds":0.5} -> {"ok":true,"iters":n,"seconds":t}
# Workloads mirror bench/workloads.mjs: square matmuls and Adam training steps at batch 64. `make` is shared with
# bench/pytorch/profile_step.py.
import json
import re
import sys
import time

import torch
import torch.nn as nn

if __name__ == '__main__':
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
torch.manual_seed(0)
BATCH = 64


def cnn(pool):
    if pool:
        return nn.Sequential(nn.Conv2d(1, 10, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(10, 20, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Linear(50, 10))
    return nn.Sequential(nn.Conv2d(1, 10, 5), nn.ReLU(), nn.Conv2d(10, 20, 5), nn.ReLU(), nn.Flatten(),
                         nn.Linear(8000, 50), nn.ReLU(), nn.Linear(50, 10))


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def trainer(model, x):
    y = torch.randint(0, 10, (BATCH,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return step


def make(name):
    if name.startswith('matmul-'):
        n = int(name.split('-')[1])
        a, b = torch.randn(n, n), torch.randn(n, n)
        return lambda: torch.mm(a, b)
    if name == 'mlp':
        return trainer(nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), torch.randn(BATCH, 784))
    if name == 'cnn':
        return trainer(cnn(True), torch.randn(BATCH, 1, 28, 28))
    if name == 'cnn-nopool':
        return trainer(cnn(False), torch.randn(BATCH, 1, 28, 28))
    if name == 'lstm':
        return trainer(Lstm(), torch.randn(BATCH, 28, 28))
    raise ValueError('unknown workload ' + name)


def serve():
    fns = {}
    # Debian's torch says BLAS_INFO=generic: it calls libblas.so.3, i.e. whatever update-alternatives selects.
    blas = re.search(r'BLAS_INFO=([^,]+)', torch.__config__.show())
    blas = blas.group(1) if blas else 'unknown'
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            w = cmd['workload']
            if w not in fns:
                fns[w] = make(w)
                fns[w]()  # warm-up
            f = fns[w]
            iters, t0 = 0, time.perf_counter()
            while True:
                f()
                iters += 1
                t = time.perf_counter() - t0
                if t >= cmd['seconds'] and iters >= cmd.get('minIters', 2):
                    break
            print(json.dumps({'ok': True, 'iters': iters, 'seconds': t}), flush=True)
        except Exception as e:  # report and keep serving the other workloads
            print(json.dumps({'ok': False, 'error': str(e)[:300]}), flush=True)


if __name__ == '__main__':
    serve()
