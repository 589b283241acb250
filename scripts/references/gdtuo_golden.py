#!/usr/bin/env python3
"""Golden trajectories of a gdtuo hypergradient tower, computed by the gdtuo reference code itself.

Runs kach/gradient-descent-the-ultimate-optimizer (gdtuo.py, imported from the directory given on
the command line; nothing of it is copied here) on the problem of ../shared/golden/README.md and
writes a file in that README's gdtuo-*.json format. The problem (tensors a, c, p0, noise and q) is
read from an existing gdtuo-*.json file, so the new file is comparable with the shipped ones.

The loss handed to gdtuo is sum(p * g), g = a*d + q*((d*d)*d) + noise[t] computed in float32 from p's
current values (the README's formula, in its order) and held constant: its gradient with respect to p
is g exactly, and its derivative through p's graph is the hypergradient gdtuo takes.

Regenerating the shipped files with this script agrees with them to one float32 ulp, not bit for bit:
with the same hyperparameters, a few parameter values differ in the last bit from the second step
on. The shipped files' own trajectories do not follow the README's formula bit for bit either (24
of 663 sgd/sgd values differ in the last bit when the step is recomputed from the file's previous
values), so their generator's gradient arithmetic differed slightly (an autograd loss, a fused
multiply-add, ...); no variant tried reproduced it exactly.

Usage (needs PyTorch; Debian's python3-torch is 1.13):
  /usr/bin/python3 scripts/references/gdtuo_golden.py [--tolerance=RTOL] GDTUO_SRC PROBLEM.json OUT.json STACK LEVEL...
  GDTUO_SRC  directory that holds gdtuo.py (e.g. a clone's src/gradient_descent_the_ultimate_optimizer)
  LEVEL      one constructor per level, level 0 first, as JSON: '{"class": "Adam", "args": {}}'
  RTOL       written as the file's "tolerance" (replayers default to 1e-4): for stacks so sensitive that
             gdtuo's own float32 and float64 runs differ by more than that
Example (the paper-B 3-level Adam stack, Adam() / SGD(1e-3) / SGD(1e-4); gdtuo's float32 and float64
runs of it differ by up to 7.8e-4 relative, hence the tolerance):
  /usr/bin/python3 scripts/references/gdtuo_golden.py --tolerance=0.001 GDTUO_CHECKOUT/src/gradient_descent_the_ultimate_optimizer \\
    ../shared/golden/gdtuo-adam_sgd.json gdtuo-adam_sgd_sgd.json adam/sgd/sgd \\
    '{"class":"Adam","args":{}}' '{"class":"SGD","args":{"alpha":0.001}}' '{"class":"SGD","args":{"alpha":0.0001}}'
"""
import json
import os
import sys

import torch

CLASSES = ("SGD", "AdaGrad", "RMSProp", "Adam", "AdamBaydin")


def fail(message):
    sys.exit("gdtuo_golden: " + message)


def tower(gdtuo, levels):
    """The gdtuo optimizer stack: the last level is built first, each one wraps the one above."""
    optimizer = gdtuo.NoOpOptimizer()
    for level in reversed(levels):
        if level.get("class") not in CLASSES:
            fail("unknown class %r in %s (expected one of %s)" % (level.get("class"), level, ", ".join(CLASSES)))
        optimizer = getattr(gdtuo, level["class"])(optimizer=optimizer, **level.get("args", {}))
    return optimizer


def hyperparameters(optimizer):
    """Every level's stored hyperparameters, level 0 first, as Python floats of the float32 values."""
    out = []
    while hasattr(optimizer, "parameters"):  # gdtuo's NoOpOptimizer at the top has none
        out.append({k: float(v.detach()) for k, v in optimizer.parameters.items()})
        optimizer = optimizer.optimizer
    return out


def main(argv):
    tolerance = None
    if argv and argv[0].startswith("--tolerance="):
        tolerance = float(argv[0].split("=", 1)[1])
        argv = argv[1:]
    if len(argv) < 5:
        fail("usage: gdtuo_golden.py GDTUO_SRC PROBLEM.json OUT.json STACK LEVEL...")
    src, problem_file, out_file, stack = argv[:4]
    if not os.path.isfile(os.path.join(src, "gdtuo.py")):
        fail("no gdtuo.py in " + src)
    sys.path.insert(0, src)
    import gdtuo

    levels = [json.loads(level) for level in argv[4:]]
    if len(levels) != stack.count("/") + 1:
        fail("stack %s has %d levels, %d constructors given" % (stack, stack.count("/") + 1, len(levels)))
    with open(problem_file) as f:
        problem = json.load(f)
    steps, q = problem["steps"], torch.tensor(problem["q"], dtype=torch.float32)
    tensors = {name: {k: torch.tensor(t[k], dtype=torch.float32) for k in ("a", "c", "p0", "noise")}
               for name, t in problem["tensors"].items()}

    model = gdtuo.Optimizable({name: t["p0"].clone() for name, t in tensors.items()}, tower(gdtuo, levels))
    model.step = lambda: model.optimizer.step(model.parameters)
    model.initialize()
    trajectory, per_step = [], []
    for k in range(steps):
        model.begin()
        model.zero_grad()
        loss = 0
        for name, t in tensors.items():
            p = model.parameters[name]
            d = p.detach() - t["c"]
            g = t["a"] * d + q * ((d * d) * d) + t["noise"][k]
            loss = loss + (p * g).sum()
        loss.backward()
        model.step()
        trajectory.append({name: [float(x) for x in p.detach().reshape(-1)] for name, p in model.parameters.items()})
        per_step.append(hyperparameters(model.optimizer))

    out = {key: problem[key] for key in ("seed", "steps", "q", "dtype", "formula", "tensors")}
    out["source"] = "gdtuo reference implementation (kach/gradient-descent-the-ultimate-optimizer), PyTorch " \
        + torch.__version__
    out["stack"] = stack
    out["levels"] = levels
    out["trajectory"] = trajectory
    out["hyperparameters_per_step"] = per_step
    if tolerance is not None:
        out["tolerance"] = tolerance
    tmp = out_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f)
    os.replace(tmp, out_file)


if __name__ == "__main__":
    main(sys.argv[1:])
