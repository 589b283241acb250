#!/usr/bin/env python3
"""Summarizes the runs of scripts/reproduce-paper-a.sh as Markdown tables (stdout).

Usage: paper_a.py RUNS_DIR
Reads every summary.csv of `optopt compare` below RUNS_DIR (final test accuracy and loss per
optimizer and seed) and every GAP run's steps.csv (the candidate chosen at each step, per tensor
in switch-per-tensor mode, and the running switch count).
"""
import csv
import json
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path


def mean_std(xs):
    if not xs:
        return "-"
    if len(xs) == 1:
        return f"{xs[0]:.4f}"
    return f"{statistics.mean(xs):.4f} ± {statistics.stdev(xs):.4f}"


def family(optimizer):
    return "SGD with momentum" if optimizer.startswith(("sgd", "gap-sgdm")) else "Adam"


def main(runs):
    results = defaultdict(lambda: {"acc": [], "loss": []})
    for summary in sorted(Path(runs).rglob("summary.csv")):
        for row in csv.DictReader(summary.open()):
            r = results[row["optimizer"]]
            if row["test_accuracy"]:
                r["acc"].append(float(row["test_accuracy"]))
            if row["test_loss"]:
                r["loss"].append(float(row["test_loss"]))
    choices = defaultdict(Counter)
    switches = defaultdict(list)
    for config in sorted(Path(runs).rglob("config.json")):
        optimizer = json.loads(config.read_text())["optimizer"]
        if not optimizer.startswith("gap-"):
            continue
        with (config.parent / "steps.csv").open() as f:
            rows = list(csv.DictReader(f))
        if not rows:
            continue
        columns = [c for c in rows[0] if c in ("momentum", "beta1") or c.startswith(("momentum.", "beta1."))]
        for row in rows:
            for c in columns:
                choices[optimizer][float(row[c])] += 1
        switches[optimizer].append(float(rows[-1]["switches"]))
    for fam in ("SGD with momentum", "Adam"):
        names = [o for o in results if family(o) == fam]
        if not names:
            continue
        print(f"### {fam}\n")
        print("| optimizer | test accuracy (mean ± std) | test loss (mean ± std) | seeds |")
        print("|---|---|---|---|")
        for o in sorted(names, key=lambda o: -statistics.mean(results[o]["acc"] or [0])):
            r = results[o]
            print(f"| `{o}` | {mean_std(r['acc'])} | {mean_std(r['loss'])} | {len(r['acc'])} |")
        fixed = [o for o in names if not o.startswith("gap-")]
        gap = [o for o in names if o.startswith("gap-")]
        best = lambda os: max(os, key=lambda o: statistics.mean(results[o]["acc"] or [0]))
        if fixed and gap:
            bf, bg = best(fixed), best(gap)
            print(f"\nBest fixed: `{bf}` {mean_std(results[bf]['acc'])}; best GAP: `{bg}` "
                  f"{mean_std(results[bg]['acc'])}.\n")
        print("| GAP run | candidate chosen (share of tensor-steps) | switches per run (mean) |")
        print("|---|---|---|")
        for o in sorted(gap):
            total = sum(choices[o].values())
            shares = ", ".join(f"{c:g}: {n / total:.1%}" for c, n in sorted(choices[o].items()))
            print(f"| `{o}` | {shares} | {statistics.mean(switches[o]):.1f} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1])
