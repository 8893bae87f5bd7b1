# PyTorch's side of a step profile: where one training step of a bench workload spends its time, per aten op, with
# the models, data and optimizer of the bench's torch peer (bench/peers/torch_peer.py). Gradlens's side is
# bench/profile-step.ts. Run it with the OpenBLAS core the bench chose (its log and table header name it):
#   OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/pytorch/profile_step.py cnn [threads=2] [steps=100]
# Prints the step time (min and median of 200 steps after 2 s of warm-up), then the profiler's table of `steps`
# steps by self CPU time (per-call averages and call counts: divide the totals by `steps` for a step's share).
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))
from torch_peer import make  # noqa: E402

name = sys.argv[1] if len(sys.argv) > 1 else 'cnn'
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 100
torch.set_num_threads(threads)
step = make(name)
end = time.perf_counter() + 2
while time.perf_counter() < end:
    step()
times = []
for _ in range(200):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
times.sort()
print(f'{name}, {threads} thread(s): step min {times[0] * 1e3:.2f} ms, median {times[100] * 1e3:.2f} ms')
with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
    for _ in range(steps):
        step()
print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=16))
