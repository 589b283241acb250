#!/usr/bin/env python3
"""Independent float32 reference trajectories for optimizers that torch.optim 1.13 lacks.

Written from the papers and reference implementations named below (standard library + numpy only),
not from optopt's code. Each file uses the problem of ../shared/golden/README.md (tensors W 4x3
and b 5, g_t = a*d + q*d^3 + noise[t] with d = p - c) and the optopt-*.json format: `optimizer`,
`hyperparameters`, `trajectory[t][name]` = the parameters after step t+1.

Usage: scripts/references/optopt_references.py OUT_DIR
writes optopt-<name>.json for every case in CASES.
"""
import json
import math
import os
import sys

import numpy as np

F = np.float32
STEPS = 40
Q = 0.05


def problem(seed):
    rng = np.random.default_rng(seed)
    tensors = {}
    for name, shape in (("W", [4, 3]), ("b", [5])):
        n = int(np.prod(shape))
        tensors[name] = {
            "shape": shape,
            "a": rng.uniform(0.5, 2.0, n).astype(F),
            "c": rng.normal(0, 1, n).astype(F),
            "p0": rng.normal(0, 1.5, n).astype(F),
            "noise": rng.normal(0, 0.2, (STEPS, n)).astype(F),
        }
    return tensors


def gradient(t, p, k):
    d = p - t["c"]
    return t["a"] * d + F(Q) * ((d * d) * d) + t["noise"][k]


# --- Schedule-Free SGD: facebookresearch/schedule_free, sgd_schedulefree_reference.py -------------
def schedule_free_sgd(tensors, h):
    lr, beta, wd = h.get("lr", 1.0), h.get("momentum", 0.9), h.get("weight_decay", 0.0)
    warmup, r, power = h.get("warmup_steps", 0), h.get("r", 0.0), h.get("weight_lr_power", 2.0)
    z = {n: t["p0"].copy() for n, t in tensors.items()}
    x = {n: t["p0"].copy() for n, t in tensors.items()}
    y = {n: t["p0"].copy() for n, t in tensors.items()}
    lr_max, weight_sum = 0.0, 0.0
    for k in range(STEPS):
        lr_k = lr * ((k + 1) / warmup if k < warmup else 1.0)
        lr_max = max(lr_max, lr_k)
        weight = (k + 1) ** r * lr_max ** power
        weight_sum += weight
        ckp1 = weight / weight_sum if weight_sum != 0 else 0.0
        for n, t in tensors.items():
            g = gradient(t, y[n], k) + F(wd) * y[n]
            z[n] = z[n] - F(lr_k) * g
            x[n] = x[n] * F(1 - ckp1) + F(ckp1) * z[n]
            y[n] = x[n] * F(beta) + F(1 - beta) * z[n]
        yield {n: v.copy() for n, v in y.items()}


CASES = {
    "schedule-free-sgd": (schedule_free_sgd, 11, {"lr": 0.3, "momentum": 0.8, "weight_decay": 0.01,
                                                  "warmup_steps": 4, "r": 1.0, "weight_lr_power": 1.5}),
}


def write(out_dir, name):
    rule, seed, h = CASES[name]
    tensors = problem(seed)
    trajectory = [{n: [float(v) for v in p.ravel()] for n, p in step.items()} for step in rule(tensors, h)]
    doc = {
        "seed": seed, "steps": STEPS, "q": Q, "dtype": "float32",
        "formula": "d = p - c; g_t = a*d + q*((d*d)*d) + noise[t]",
        "tensors": {n: {"shape": t["shape"], "a": t["a"].tolist(), "c": t["c"].tolist(), "p0": t["p0"].tolist(),
                        "noise": t["noise"].tolist()} for n, t in tensors.items()},
        "source": "independent float32 numpy reference, scripts/references/optopt_references.py",
        "optimizer": name, "hyperparameters": h, "trajectory": trajectory,
    }
    path = os.path.join(out_dir, "optopt-" + name + ".json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, path)
    print("wrote", path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: optopt_references.py OUT_DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for case in CASES:
        write(sys.argv[1], case)
