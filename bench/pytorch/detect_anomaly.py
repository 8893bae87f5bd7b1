# Runs a script under PyTorch's own NaN tool, torch.autograd.detect_anomaly (set for the whole run), for the overhead
# bench's comparison: usage: python3 bench/pytorch/detect_anomaly.py script.py [args...]
import runpy
import sys

import torch

torch.autograd.set_detect_anomaly(True)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
