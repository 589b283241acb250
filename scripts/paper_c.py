#!/usr/bin/env python3
"""Helper of reproduce-paper-c.sh: summarizes `optopt compare` run directories.

  paper_c.py table DIR [METRIC]   markdown rows per optimizer: final test loss (mean +- std, median over
                                  seeds), training loss (mean mini-batch loss over the last 10% of steps),
                                  test accuracy when the task has one, and failed runs with their reason
  paper_c.py best DIR FAMILY...   for each optimizer family (the name before '('), the spec of lowest mean
                                  training loss over the last 10% of steps among its runs in DIR
"""
import csv
import json
import math
import os
import statistics
import sys


def runs(directory):
    """Every run directory below DIRECTORY as (optimizer spec, seed, status, steps rows, evals rows)."""
    out = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        if "config.json" not in files:
            continue
        with open(os.path.join(root, "config.json")) as f:
            config = json.load(f)
        with open(os.path.join(root, "STATUS")) as f:
            status = f.read().strip()
        steps, evals = [], []
        if os.path.exists(os.path.join(root, "steps.csv")):
            with open(os.path.join(root, "steps.csv")) as f:
                steps = list(csv.DictReader(f))
        if os.path.exists(os.path.join(root, "evals.csv")):
            with open(os.path.join(root, "evals.csv")) as f:
                evals = list(csv.DictReader(f))
        out.append((config["optimizer"], config["seed"], status, steps, evals))
    return out


def training_loss(steps):
    """Mean mini-batch loss over the last 10% of the steps."""
    tail = steps[-max(1, len(steps) // 10):]
    return statistics.fmean(float(r["loss"]) for r in tail)


def fmt(values):
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.3g}"
    return f"{statistics.fmean(values):.3g} +- {statistics.stdev(values):.2g} (median {statistics.median(values):.3g})"


def by_optimizer(directory):
    grouped = {}
    for spec, seed, status, steps, evals in runs(directory):
        grouped.setdefault(spec, []).append((seed, status, steps, evals))
    return grouped


def table(directory):
    grouped = by_optimizer(directory)
    accuracy = any(r[3] and r[3][-1].get("test_accuracy") not in ("", None) for v in grouped.values() for r in v)
    header = "| optimizer | seeds | final test loss | training loss (last 10%) |" + (" test accuracy |" if accuracy else "")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for spec in grouped:
        done = [r for r in grouped[spec] if r[1] == "complete"]
        failed = [r for r in grouped[spec] if r[1] != "complete"]
        test = [float(r[3][-1]["test_loss"]) for r in done]
        train = [training_loss(r[2]) for r in done]
        reason = failed[0][1].removeprefix("failed: ").split("; step")[0].replace("|", "\\|") if failed else ""
        row = f"| `{spec}` | {len(done)}" + (f" ({len(failed)} failed: {reason})" if failed else "")
        row += f" | {fmt(test)} | {fmt(train)} |"
        if accuracy:
            row += f" {fmt([100 * float(r[3][-1]['test_accuracy']) for r in done])} |"
        print(row)


def best(directory, families):
    grouped = by_optimizer(directory)
    for family in families:
        scored = []
        for spec, rs in grouped.items():
            if spec.split("(")[0] != family:
                continue
            done = [r for r in rs if r[1] == "complete"]
            score = statistics.fmean(training_loss(r[2]) for r in done) if len(done) == len(rs) else math.inf
            scored.append((score if math.isfinite(score) else math.inf, spec))
        if scored:
            print(min(scored)[1])


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "best":
        best(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
