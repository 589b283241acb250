#!/usr/bin/env python3
"""Markdown tables for docs/reproductions/paper-a.md from `optopt report` outputs (results.csv).

For every report directory given: per task, every configuration (final test accuracy and loss,
mean +- sample std over seeds, GAP's candidate shares and switch count), then per family (sgd
against gap-sgdm, adam against gap-adam) the best fixed-momentum configuration against the best GAP
configuration, among configurations with at least MIN_SEEDS seeds done (the ranking metric is the
test accuracy where the task has one, else the test loss), with Welch's t statistic of the difference.

Usage: scripts/paper-a-tables.py REPORT_DIR... [--min-seeds N]
"""
import csv
import math
import sys

FAMILIES = {"sgd": "gap-sgdm", "adam": "gap-adam"}


def rows(directory):
    with open(directory + "/results.csv", newline="") as f:
        return list(csv.DictReader(f))


def num(r, key):
    return float(r[key]) if r[key] not in ("", "NaN") else math.nan


def optimizer(r):
    return r["configuration"].split("(")[0].split("[")[0].strip()


def fmt(r, key, percent):
    m, s = num(r, key + "_mean"), num(r, key + "_std")
    if math.isnan(m):
        return "–"
    return f"{100 * m:.2f} ± {100 * s:.2f}%" if percent else f"{m:.4f} ± {s:.4f}"


def main(argv):
    min_seeds = 3
    if "--min-seeds" in argv:
        i = argv.index("--min-seeds")
        min_seeds = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    for directory in argv:
        by_task = {}
        for r in rows(directory):
            by_task.setdefault(r["task"], []).append(r)
        for task, rs in by_task.items():
            accuracy = any(not math.isnan(num(r, "test_accuracy_mean")) for r in rs)
            print(f"\n#### {task} (`{directory}`)\n")
            print("| entry | configuration | seeds (failed) | test accuracy | test loss | choices (share of steps) | at the end |")
            print("|---|---|---|---|---|---|---|")
            for r in rs:
                print(f"| {r['entry']} | `{r['configuration']}` | {r['seeds_done']} ({r['seeds_failed']}) | "
                      f"{fmt(r, 'test_accuracy', True)} | {fmt(r, 'test_loss', False)} | {r['choices'] or '–'} | "
                      f"{r['end_hyperparameters'] or '–'} |")
            key = "test_accuracy_mean" if accuracy else "test_loss_mean"
            sign = 1 if accuracy else -1
            done = [r for r in rs if int(r["seeds_done"]) >= min_seeds and int(r["seeds_failed"]) == 0
                    and not math.isnan(num(r, key))]
            print(f"\n| family | best fixed momentum | best GAP | GAP - fixed | Welch t |")
            print("|---|---|---|---|---|")
            for fixed, gap in FAMILIES.items():
                f = [r for r in done if optimizer(r) == fixed]
                g = [r for r in done if optimizer(r) == gap]
                if not f or not g:
                    continue
                bf = max(f, key=lambda r: sign * num(r, key))
                bg = max(g, key=lambda r: sign * num(r, key))
                metric = key[:-5]
                diff = num(bg, key) - num(bf, key)
                se = math.sqrt(num(bf, metric + "_std") ** 2 / int(bf["seeds_done"])
                               + num(bg, metric + "_std") ** 2 / int(bg["seeds_done"]))
                t = diff / se if se > 0 else math.nan
                scale = 100 if accuracy else 1
                unit = " points" if accuracy else ""
                print(f"| {fixed} | `{bf['configuration']}` {fmt(bf, metric, accuracy)} | "
                      f"`{bg['configuration']}` {fmt(bg, metric, accuracy)} | {scale * diff:+.3f}{unit} | {t:+.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
