# Runs another script after torch.manual_seed(SEED) (default 0), as `python <script> args...` would: the seed
# scripts set no seed, and this torch draws its default seed at random, so comparing two runs of them needs one.
# Usage: python examples/pytorch/seeded.py seed-mnist.py   or   gradlens train examples/pytorch/seeded.py -- seed-mnist.py
import os
import runpy
import sys

import torch

torch.manual_seed(int(os.environ.get("SEED", "0")))
script = os.path.join(os.path.dirname(os.path.abspath(__file__)), sys.argv[1]) if not os.path.isabs(sys.argv[1]) else sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
