#!/usr/bin/env python3
"""A gdtuo hypergradient tower trained on MNIST by the gdtuo reference code itself (paper B's setting).

The network of gdtuo's README (784-128-10, tanh after both layers, log-softmax, NLL, PyTorch's
default initialization), trained with gdtuo's ModuleWrapper for one epoch at batch 300 (200 steps),
pixels / 255, then evaluated on the 10k test images. This is docs/reproductions/paper-b.md's
setting; gdtuo.py is imported from the directory given on the command line (nothing of it is copied).

Usage (needs PyTorch; Debian's python3-torch is 1.13):
  /usr/bin/python3 scripts/references/gdtuo_mnist.py GDTUO_SRC MNIST_DIR ORDER SEED... -- LEVEL...
  MNIST_DIR  the folder with the four idx .gz files (../shared/data/mnist)
  ORDER      "shuffled": a new permutation per seed (torch.randperm after manual_seed(seed)), as
             optopt does; "fixed": the files' order, as the paper's single run
  LEVEL      one gdtuo constructor per level, level 0 first, as JSON (see gdtuo_golden.py);
             class AdamBaydin (Adam learning alpha only, the paper's Adam_alpha) is also accepted
Prints one line per seed: test accuracy, level 0's final alpha, beta1, beta2 and level 1's alpha.
"""
import gzip
import math
import os
import struct
import sys
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gdtuo_golden import fail, tower  # noqa: E402

BATCH, EPOCHS, HIDDEN = 300, 1, 128


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return torch.frombuffer(bytearray(data[4 + 4 * len(dims):]), dtype=torch.uint8).reshape(dims)


def mnist(folder, split):
    images = idx(os.path.join(folder, split + "-images-idx3-ubyte.gz")).reshape(-1, 784).float() / 255.0
    return images, idx(os.path.join(folder, split + "-labels-idx1-ubyte.gz")).long()


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(784, HIDDEN)
        self.layer2 = nn.Linear(HIDDEN, 10)

    def forward(self, x):
        return F.log_softmax(torch.tanh(self.layer2(torch.tanh(self.layer1(x)))), dim=1)


def clamp(x):
    return (math.tanh(x) + 1) / 2


def run(gdtuo, levels, train, test, seed, shuffled):
    torch.manual_seed(seed)
    model = Mlp()
    mw = gdtuo.ModuleWrapper(model, optimizer=tower(gdtuo, levels))
    mw.initialize()
    x, y = train
    for _ in range(EPOCHS):
        order = torch.randperm(len(y)) if shuffled else torch.arange(len(y))
        for start in range(0, len(y) - BATCH + 1, BATCH):
            batch = order[start:start + BATCH]
            mw.begin()
            loss = F.nll_loss(mw.forward(x[batch]), y[batch])
            mw.zero_grad()
            loss.backward()
            mw.step()
    with torch.no_grad():
        accuracy = (mw.forward(test[0]).argmax(1) == test[1]).float().mean().item() * 100
    level0, level1 = mw.optimizer.parameters, mw.optimizer.optimizer.parameters
    alpha = float(level0["alpha"])
    beta1 = clamp(float(level0["beta1"])) if "beta1" in level0 else float("nan")
    beta2 = clamp(float(level0["beta2"])) if "beta2" in level0 else float("nan")
    return accuracy, alpha, beta1, beta2, float(level1["alpha"])


def main(argv):
    if "--" not in argv or len(argv) < 6:
        fail("usage: gdtuo_mnist.py GDTUO_SRC MNIST_DIR fixed|shuffled SEED... -- LEVEL...")
    cut = argv.index("--")
    src, folder, order, seeds, levels = argv[0], argv[1], argv[2], argv[3:cut], [json.loads(l) for l in argv[cut + 1:]]
    if order not in ("fixed", "shuffled"):
        fail("ORDER must be fixed or shuffled, got %r" % order)
    sys.path.insert(0, src)
    import gdtuo
    torch.set_num_threads(1)
    train, test = mnist(folder, "train"), mnist(folder, "t10k")
    for seed in seeds:
        acc, alpha, beta1, beta2, kappa = run(gdtuo, levels, train, test, int(seed), order == "shuffled")
        print("seed %s %s: test accuracy %.2f%%  alpha %.4g  beta1 %.4f  beta2 %.5f  level-1 alpha %.3g"
              % (seed, order, acc, alpha, beta1, beta2, kappa), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
