#!/usr/bin/env python3
"""Training throughput of PyTorch on the mnist-mlp step that `optopt bench task` measures.

MLP 784-128-10 (tanh), log-softmax + NLL, Adam(lr=1e-3), batch 128, float32, data already in
memory (random inputs: the speed of these dense products does not depend on the values).
Prints one JSON object with examples_per_s (median over the timed steps).
"""
import argparse
import json
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.Tanh(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(args.batch_size, 784), torch.randint(0, 10, (args.batch_size,))) for _ in range(16)]

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=False)
        loss = torch.nn.functional.nll_loss(torch.log_softmax(model(x), dim=1), y)
        loss.backward()
        opt.step()

    for i in range(max(30, args.steps // 5)):
        step(i)
    times = []
    for i in range(args.steps):
        t0 = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps({"peer": "pytorch " + torch.__version__, "threads": args.threads,
                      "step_ms": median * 1e3, "examples_per_s": args.batch_size / median}))


if __name__ == "__main__":
    main()
