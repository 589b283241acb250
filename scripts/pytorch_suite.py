#!/usr/bin/env python3
"""Training throughput of PyTorch on the step that `optopt bench task --task TASK` measures.

The networks are optopt's suite tasks (same layer sizes, activations and batch sizes; see
`optopt tasks`): forward, cross-entropy, backward and an Adam(1e-3) step, float32, data already
in memory (random inputs and labels: the speed of these products does not depend on the values).
Prints one JSON object with steps_per_s and examples_per_s (median over the timed steps) and
cpu_ms_per_step (process CPU time over the timed steps, which a loaded machine disturbs less).
"""
import argparse
import json
import time

import torch
from torch import nn

# task: (build model, make one batch of (inputs, targets), default batch size)
VOCAB = 65  # characters of Tiny Shakespeare


class CharLstm(nn.Module):
    """Embedding 128, two LSTM layers of 128, read-out to the vocabulary at every step."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 128)
        self.lstm = nn.LSTM(128, 128, num_layers=2)
        self.readout = nn.Linear(128, VOCAB)

    def forward(self, x):  # x: [steps, batch] of ids
        h, _ = self.lstm(self.embedding(x))
        return self.readout(h).reshape(-1, VOCAB)


def conv_2c2d():
    return nn.Sequential(nn.Unflatten(1, (1, 28, 28)),
                         nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Linear(1024, 10))


def images(width, classes):
    return lambda b: (torch.rand(b, width), torch.randint(0, classes, (b,)))


def sequences(b):
    x = torch.randint(0, VOCAB, (50, b))
    return x, torch.randint(0, VOCAB, (50 * b,))


TASKS = {
    "mnist-mlp": (lambda: nn.Sequential(nn.Linear(784, 128), nn.Tanh(), nn.Linear(128, 10), nn.Tanh()),
                  images(784, 10), 128),
    "logreg-mnist": (lambda: nn.Linear(784, 10), images(784, 10), 128),
    "logreg-a9a": (lambda: nn.Linear(123, 2), images(123, 2), 128),
    "logreg-w8a": (lambda: nn.Linear(300, 2), images(300, 2), 128),
    "fmnist-2c2d": (conv_2c2d, images(784, 10), 128),
    "char-rnn-shakespeare": (CharLstm, sequences, 50),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", required=True, choices=sorted(TASKS))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    build, batch_of, default_batch = TASKS[args.task]
    batch = args.batch_size or default_batch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [batch_of(batch) for _ in range(8)]

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=False)
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for i in range(max(30, args.steps // 5)):
        step(i)
    times = []
    cpu0 = time.process_time()
    for i in range(args.steps):
        t0 = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - t0)
    cpu_ms_per_step = (time.process_time() - cpu0) / args.steps * 1e3
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps({"peer": "pytorch " + torch.__version__, "task": args.task, "threads": args.threads,
                      "batch_size": batch, "step_ms": median * 1e3, "steps_per_s": 1 / median,
                      "examples_per_s": batch / median, "cpu_ms_per_step": cpu_ms_per_step}))


if __name__ == "__main__":
    main()
