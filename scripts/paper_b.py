#!/usr/bin/env python3
"""Experiment lists and reports for scripts/reproduce-paper-b.sh (paper B: Chandra et al.,
"Gradient Descent: The Ultimate Optimizer", arXiv 1909.13371 v1). Standard library only; the plot
uses matplotlib when it is importable and otherwise writes the SVG by hand (no PNG then).

Commands (all output goes to stdout or OUT_DIR):
  specs tables|sensitivity|cost      the comma-separated --optimizers list of an experiment
  rerun-specs TABLE_RUNS             the plain optimizers re-run with the learned values
  rerun-own TABLE_RUNS [OWN_RUNS]    "spec<TAB>seed": re-runs with each seed's own learned values
                                     (those not yet under OWN_RUNS)
  pending RUNS SEEDS SPECS           what robust_compare still has to run
  report OUT_DIR TABLE_RUNS RERUN_RUNS OWN_RUNS SENS_RUNS COST_RUNS
                                     CSV files, markdown tables and the sensitivity plot
"""
import csv
import json
import math
import os
import re
import statistics
import sys

# ---------------------------------------------------------------------------------------------
# Paper B, arXiv v1, Tables 1 and 2 (MNIST, MLP 784-128-10 tanh, batch 300, 1 epoch).
# Each row: id, the paper's label, the paper's test accuracy (%), the paper's learned values,
# our gdtuo-compatible tower, our native tower, the kind of hyperparameters a re-run copies.
# ---------------------------------------------------------------------------------------------
ROWS = [
    ("sgd", "SGD(0.01)", 77.48, None, "gdtuo:sgd(0.01)", "sgd(0.01)", None),
    ("sgd/sgd", "SGD(0.01) / SGD(0.01)", 88.35, "alpha 0.145 (re-run 88.81%)",
     "gdtuo:sgd(0.01)/sgd(0.01)", "sgd(0.01)/sgd(0.01)", "sgd"),
    ("sgd/adam", "SGD(0.01) / Adam(default)", 86.80, "alpha 0.096 (re-run 87.71%)",
     "gdtuo:sgd(0.01)/adam", "sgd(0.01)/adam", "sgd"),
    ("adam", "Adam(default)", 91.09, None, "gdtuo:adam", "adam", None),
    ("adam/sgd/sgd", "Adam / SGD(1e-3) / SGD(1e-4)", 92.74, "0.0291, 0.8995, 0.999 (re-run 93.74%)",
     "gdtuo:adam/sgd(1e-3)/sgd(1e-4)", "adam(learn=lr+beta1)/sgd(1e-3)/sgd(1e-4)", "adam"),
    ("adam_a/sgd/sgd", "Adam_alpha / SGD(1e-3) / SGD(1e-4)", 92.64, "alpha 0.0284 (re-run 93.42%)",
     "gdtuo:adam(learn=alpha)/sgd(1e-3)/sgd(1e-4)", "adam/sgd(1e-3)/sgd(1e-4)", "adam_alpha"),
    ("adam/adam", "Adam / Adam(default)", 94.35, "0.013, 0.892, 0.998 (re-run 94.75%)",
     "gdtuo:adam/adam", "adam(learn=lr+beta1)/adam", "adam"),
    ("adam_a/adam", "Adam_alpha / Adam(default)", 94.01, "alpha 0.013 (re-run 94.39%)",
     "gdtuo:adam(learn=alpha)/adam", "adam/adam", "adam_alpha"),
]

# Native towers learning Adam's beta2 as well: they stop at step 2 with a NaN hypergradient (native
# Adam's v starts at 0, and the MNIST pixels that are always 0 give elements with g = v = 0, where
# d sqrt(v)/d beta2 is 0 * infinity); run to document that, reported separately.
NATIVE_BETA2 = ["adam(learn=lr+beta1+beta2)/sgd(1e-3)/sgd(1e-4)", "adam(learn=lr+beta1+beta2)/adam"]

# The paper's re-run rows (plain optimizer with the learned values), by source row id.
PAPER_RERUN = {"sgd/sgd": 88.81, "sgd/adam": 87.71, "adam/sgd/sgd": 93.74, "adam_a/sgd/sgd": 93.42,
               "adam/adam": 94.75, "adam_a/adam": 94.39}

# Sensitivity (paper v1 Fig. 3): towers of 1..4 SGD levels, every level starting at alpha0.
ALPHAS = [10.0 ** e for e in range(-6, 3)]
HEIGHTS = [1, 2, 3, 4]

# Step-time cost of tower height (mnist-mlp, batch 128). Each tower is compared with its level 0
# alone (the first spec of its group: a plain optimizer, or a height-1 gdtuo tower).
COST = ["adam", "adam/sgd(1e-5)", "adam/sgd(1e-5)/sgd(1e-8)", "adam/adam",
        "gdtuo:adam", "gdtuo:adam/sgd(1e-5)", "gdtuo:adam/sgd(1e-5)/sgd(1e-8)", "gdtuo:adam/adam",
        "sgd(0.01)", "sgd(0.01)/sgd(1e-5)", "sgd(0.01)/sgd(1e-5)/sgd(1e-8)",
        "gdtuo:sgd(0.01)", "gdtuo:sgd(0.01)/sgd(1e-5)", "gdtuo:sgd(0.01)/sgd(1e-5)/sgd(1e-8)"]
COST_SKIP = 100  # warm-up steps left out of the per-step medians


def fmt(x):
    return "%g" % x


def sens_spec(height, alpha):
    return "gdtuo:" + "/".join(["sgd(%s)" % fmt(alpha)] * height)


def specs(kind):
    if kind == "tables":
        return [r[4] for r in ROWS] + [r[5] for r in ROWS] + NATIVE_BETA2
    if kind == "sensitivity":
        return [sens_spec(h, a) for h in HEIGHTS for a in ALPHAS]
    if kind == "cost":
        return list(COST)
    raise SystemExit("unknown experiment " + kind)


# ---------------------------------------------------------------------------------------------
# Reading run directories
# ---------------------------------------------------------------------------------------------
NUMBER = re.compile(r"(?<![A-Za-z_])[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")


def canon(spec):
    """A spec in one spelling: no spaces, numbers as Python floats, a plain optimizer's step size
    named lr (config.json writes plain optimizers as e.g. sgd(lr=0.01))."""
    s = spec.replace(" ", "")
    if "/" not in s and not s.startswith("gdtuo:"):
        s = re.sub(r"^(\w+)\(([+\-\d.])", r"\1(lr=\2", s)
    return NUMBER.sub(lambda m: repr(float(m.group(0))), s)


def runs(root):
    """Every run directory below root: dict with optimizer, seed, accuracy (None if failed), dir."""
    out = []
    for d, _, files in os.walk(root):
        if "config.json" not in files:
            continue
        with open(os.path.join(d, "config.json")) as f:
            config = json.load(f)
        acc = None
        if "metrics.json" in files:
            with open(os.path.join(d, "metrics.json")) as f:
                acc = json.load(f)["test_accuracy"]
        status = open(os.path.join(d, "STATUS")).read().strip() if "STATUS" in files else "?"
        out.append({"optimizer": canon(config["optimizer"]), "seed": config["seed"], "accuracy": acc,
                    "status": status, "dir": d})
    return out


def steps(run):
    with open(os.path.join(run["dir"], "steps.csv")) as f:
        return list(csv.DictReader(f))


def last_level0(run):
    """Level 0's hyperparameters in the last row of steps.csv, names without the L0. prefix."""
    row = steps(run)[-1]
    return {k[3:]: float(v) for k, v in row.items() if k.startswith("L0.")}


def by_optimizer(rs):
    out = {}
    for r in rs:
        out.setdefault(r["optimizer"], []).append(r)
    for v in out.values():
        v.sort(key=lambda r: r["seed"])
    return out


def mean_std(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return float("nan"), float("nan"), 0
    return statistics.mean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0), len(xs)


def learned(rs, kind, gdtuo):
    """Mean over seeds of the learned level-0 values a re-run copies, as (name, value) pairs."""
    lr = "alpha" if gdtuo else "lr"
    names = {"sgd": [lr], "adam_alpha": [lr], "adam": [lr, "beta1", "beta2"]}[kind]
    values = [last_level0(r) for r in rs if r["accuracy"] is not None]
    return [(n, statistics.mean(v[n] for v in values)) for n in names]


def rerun_spec(kind, gdtuo, values):
    d = dict(values)
    if kind == "sgd":
        return ("gdtuo:sgd(%.6g)" % d["alpha"]) if gdtuo else ("sgd(%.6g)" % d["lr"])
    if kind == "adam_alpha":
        return ("gdtuo:adam(%.6g)" % d["alpha"]) if gdtuo else ("adam(%.6g)" % d["lr"])
    if gdtuo:
        return "gdtuo:adam(%.6g, beta1=%.6g, beta2=%.6g)" % (d["alpha"], d["beta1"], d["beta2"])
    return "adam(%.6g, beta1=%.6g, beta2=%.6g)" % (d["lr"], d["beta1"], d["beta2"])


def own_rerun_plan(table_runs):
    """Per seed: (row, gdtuo?, seed, that seed's learned values, re-run spec) for the rows with
    learned values; the re-run uses the same seed (the paper re-ran its single run's values)."""
    groups = by_optimizer(runs(table_runs))
    plan = []
    for row in ROWS:
        if row[6] is None:
            continue
        for gdtuo, spec in ((True, row[4]), (False, row[5])):
            for r in groups.get(canon(spec), []):
                if r["accuracy"] is not None:
                    values = learned([r], row[6], gdtuo)
                    plan.append((row, gdtuo, r["seed"], values, rerun_spec(row[6], gdtuo, values)))
    return plan


def rerun_plan(table_runs):
    """(row, gdtuo?, learned values, re-run spec) for every row with learned values."""
    groups = by_optimizer(runs(table_runs))
    plan = []
    for row in ROWS:
        if row[6] is None:
            continue
        for gdtuo, spec in ((True, row[4]), (False, row[5])):
            if canon(spec) not in groups:
                raise SystemExit("no runs of %s under %s" % (spec, table_runs))
            values = learned(groups[canon(spec)], row[6], gdtuo)
            plan.append((row, gdtuo, values, rerun_spec(row[6], gdtuo, values)))
    return plan


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def pct(m, s, n):
    if n == 0:
        return "failed"
    return "%.2f +- %.2f" % (100 * m, 100 * s)


def tables_report(out_dir, table_runs, rerun_runs, own_runs):
    groups = by_optimizer(runs(table_runs))
    own_results = {(r["optimizer"], r["seed"]): r["accuracy"] for r in runs(own_runs)} \
        if own_runs and os.path.isdir(own_runs) else {}
    own = {}
    for row, gdtuo, seed, _, spec in own_rerun_plan(table_runs):
        if (canon(spec), seed) in own_results:
            own.setdefault((row[0], gdtuo), []).append(own_results[(canon(spec), seed)])
    reruns = by_optimizer(runs(rerun_runs)) if rerun_runs and os.path.isdir(rerun_runs) else {}
    plan = {(p[0][0], p[1]): p for p in rerun_plan(table_runs)}
    lines = []
    rows_csv = [["row", "variant", "optimizer", "seeds", "mean_acc", "std_acc", "paper_acc", "learned"]]
    lines.append("| Paper row | Paper acc % | gdtuo-compatible (`gdtuo:`) acc % | native tower acc % |")
    lines.append("|---|---|---|---|")
    learned_lines = ["| Tower | Paper's learned values | gdtuo: learned (mean of seeds) -> re-run acc % "
                     "| gdtuo: each seed's own values -> re-run acc % "
                     "| native learned (mean of seeds) -> re-run acc % | native: each seed's own values -> re-run acc % "
                     "| Paper's re-run acc % |",
                     "|---|---|---|---|---|---|---|"]
    for row in ROWS:
        cells = []
        for gdtuo, spec in ((True, row[4]), (False, row[5])):
            accs = [r["accuracy"] for r in groups.get(canon(spec), [])]
            m, s, n = mean_std(accs)
            failed = sum(1 for a in accs if a is None)
            cells.append("%s%s<br>`%s`" % (pct(m, s, n), (" (%d failed)" % failed) if failed else "", spec))
            rows_csv.append([row[0], "gdtuo" if gdtuo else "native", spec, n, m, s, row[2], ""])
        lines.append("| %s | %.2f | %s | %s |" % (row[1], row[2], cells[0], cells[1]))
        if row[6] is not None:
            lcells = []
            for gdtuo in (True, False):
                _, _, values, spec = plan[(row[0], gdtuo)]
                accs = [r["accuracy"] for r in reruns.get(canon(spec), [])]
                m, s, n = mean_std(accs)
                vals = ", ".join("%s %.4g" % (k, v) for k, v in values)
                lcells.append("%s -> %s<br>`%s`" % (vals, pct(m, s, n) if accs else "not run", spec))
                rows_csv.append([row[0] + " re-run", "gdtuo" if gdtuo else "native", spec, n, m, s,
                                 PAPER_RERUN[row[0]], vals])
                oaccs = own.get((row[0], gdtuo), [])
                om, osd, on = mean_std(oaccs)
                lcells.append(pct(om, osd, on) if oaccs else "not run")
                rows_csv.append([row[0] + " re-run own", "gdtuo" if gdtuo else "native", "per seed", on, om, osd,
                                 PAPER_RERUN[row[0]], ""])
            learned_lines.append("| %s | %s | %s | %.2f |" % (row[1], row[3], " | ".join(lcells),
                                                             PAPER_RERUN[row[0]]))
    write_csv(os.path.join(out_dir, "tables.csv"), rows_csv)
    beta2 = ["| Native tower learning beta2 | runs | outcome |", "|---|---|---|"]
    for spec in NATIVE_BETA2:
        rs = groups.get(canon(spec), [])
        outcomes = sorted({r["status"] if r["accuracy"] is None else "complete" for r in rs})
        beta2.append("| `%s` | %d | %s |" % (spec, len(rs), "; ".join(outcomes)))
    return ("\n".join(lines) + "\n\n" + "\n".join(learned_lines) + "\n\n" + "\n".join(beta2) + "\n")


def write_csv(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    os.replace(tmp, path)


CHANCE = 0.1  # a failed (non-finite) run is plotted at chance accuracy


def sensitivity_report(out_dir, sens_runs):
    groups = by_optimizer(runs(sens_runs))
    rows_csv = [["height", "alpha0", "seeds", "failed", "mean_acc", "std_acc", "min_acc", "max_acc"]]
    curves = {}
    table = ["| alpha0 | " + " | ".join("height %d" % h for h in HEIGHTS) + " |",
             "|---|" + "---|" * len(HEIGHTS)]
    cells = {}
    for h in HEIGHTS:
        for a in ALPHAS:
            rs = groups.get(canon(sens_spec(h, a)), [])
            accs = [r["accuracy"] for r in rs]
            failed = sum(1 for x in accs if x is None)
            plotted = [CHANCE if x is None else x for x in accs]
            m, s, n = mean_std(plotted)
            rows_csv.append([h, fmt(a), len(accs), failed, m, s, min(plotted, default=float("nan")),
                             max(plotted, default=float("nan"))])
            curves.setdefault(h, []).append((math.log10(a), m, s, failed))
            cells[(h, a)] = ("%.2f" % (100 * m) + (" +- %.2f" % (100 * s) if n > 1 else "")
                             + (" (%d failed)" % failed if failed else "")) if n else "not run"
    for a in ALPHAS:
        table.append("| %s | " % fmt(a) + " | ".join(cells[(h, a)] for h in HEIGHTS) + " |")
    write_csv(os.path.join(out_dir, "sensitivity.csv"), rows_csv)
    plot(out_dir, curves)
    return "\n".join(table) + "\n\n" + good_ranges(curves)


def good_ranges(curves, threshold=0.85):
    """The log10 alpha0 values whose mean accuracy is at least threshold, per height."""
    out = ["Initial step sizes with mean test accuracy >= %d%% (log10 alpha0):" % round(100 * threshold), ""]
    for h, pts in sorted(curves.items()):
        good = [int(round(x)) for x, m, _, _ in pts if m >= threshold]
        out.append("- height %d: %s" % (h, (", ".join(str(g) for g in good) + " (%d values)" % len(good))
                                        if good else "none"))
    return "\n".join(out) + "\n"


def plot(out_dir, curves):
    title = "MNIST MLP, 1 epoch, batch 300: SGD towers, every level starting at alpha0"
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        write_svg(os.path.join(out_dir, "sensitivity.svg"), curves, title)
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for h, pts in sorted(curves.items()):
        xs = [p[0] for p in pts]
        ms = [100 * p[1] for p in pts]
        ss = [100 * p[2] for p in pts]
        label = "SGD" if h == 1 else "/".join(["SGD"] * h)
        ax.errorbar(xs, ms, yerr=ss, marker="o", capsize=3, label="height %d: %s" % (h, label))
    ax.set_xlabel("log10(initial step size alpha0), every level")
    ax.set_ylabel("final test accuracy (%)")
    ax.set_title(title, fontsize=9)
    ax.set_ylim(0, 100)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower center", bbox_to_anchor=(0.68, 0.02), fontsize=8)
    fig.tight_layout()
    for ext in ("png", "svg"):
        path = os.path.join(out_dir, "sensitivity." + ext)
        fig.savefig(path + ".tmp", format=ext, dpi=120)
        os.replace(path + ".tmp", path)
    plt.close(fig)


def write_svg(path, curves, title):
    w, h, left, top, right, bottom = 700, 450, 60, 40, 20, 50
    xs = [p[0] for pts in curves.values() for p in pts]
    x0, x1 = min(xs), max(xs)
    px = lambda x: left + (x - x0) / (x1 - x0) * (w - left - right)
    py = lambda y: top + (1 - y) * (h - top - bottom)
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (w, h),
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="%d" y="20" font-size="12">%s</text>' % (left, title)]
    for k in range(0, 11):
        y = py(k / 10)
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, y, w - right, y))
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 5, y + 4, 10 * k))
    for x in range(int(x0), int(x1) + 1):
        parts.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (px(x), h - bottom + 15, x))
    parts.append('<text x="%d" y="%d" text-anchor="middle">log10(initial step size alpha0), every level</text>'
                 % ((left + w - right) / 2, h - 10))
    parts.append('<text x="15" y="%d" transform="rotate(-90 15 %d)" text-anchor="middle">final test accuracy (%%)</text>'
                 % ((top + h - bottom) / 2, (top + h - bottom) / 2))
    for i, (height, pts) in enumerate(sorted(curves.items())):
        c = colors[i % len(colors)]
        pts = [p for p in pts if not math.isnan(p[1])]
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                     % (c, " ".join("%.1f,%.1f" % (px(x), py(m)) for x, m, _, _ in pts)))
        for x, m, _, _ in pts:
            parts.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (px(x), py(m), c))
        parts.append('<text x="%d" y="%d" fill="%s">height %d</text>' % (w - right - 80, top + 15 + 15 * i, c, height))
    parts.append("</svg>")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(parts) + "\n")
    os.replace(path + ".tmp", path)


def cost_report(out_dir, cost_runs):
    """Median seconds per step (steps after COST_SKIP) per run, then the median over repeats."""
    per = {}
    for r in runs(cost_runs):
        if r["accuracy"] is None:
            continue
        secs = [float(s["seconds"]) for s in steps(r)]
        diffs = [b - a for a, b in zip(secs[COST_SKIP:], secs[COST_SKIP + 1:])]
        per.setdefault(r["optimizer"], []).append(statistics.median(diffs))
    rows_csv = [["optimizer", "levels", "repeats", "median_ms_per_step", "per_repeat_ms"]]
    table = ["| Optimizer | levels | ms/step (median of %s repeats) | vs its level 0 alone "
             "| cost of the last level (vs one level less), %% of the level-0-alone step |"
             % "/".join(sorted({str(len(v)) for v in per.values()})), "|---|---|---|---|---|"]
    med = {k: statistics.median(v) for k, v in per.items()}
    for spec in COST:
        key = canon(spec)
        if key not in med:
            continue
        levels = spec.count("/") + 1
        base = med.get(canon(spec.split("/")[0]))
        below = canon(spec.rsplit("/", 1)[0]) if levels > 1 else None
        versus = "%+.1f%%" % ((med[key] / base - 1) * 100) if base and levels > 1 else "-"
        marginal = ("%+.1f%% (vs `%s`)" % ((med[key] - med[below]) / base * 100, spec.rsplit("/", 1)[0])
                    if base and below in med else "-")
        table.append("| `%s` | %d | %.3f | %s | %s |" % (spec, levels, 1000 * med[key], versus, marginal))
        rows_csv.append([spec, levels, len(per[key]), 1000 * med[key], " ".join("%.3f" % (1000 * x) for x in per[key])])
    for plain, tower in (("adam", "gdtuo:adam"), ("sgd(0.01)", "gdtuo:sgd(0.01)")):
        if canon(plain) in med and canon(tower) in med:
            table.append("\nThe height-1 tower `%s` vs the plain `%s`: %+.1f%%." % (
                tower, plain, (med[canon(tower)] / med[canon(plain)] - 1) * 100))
    write_csv(os.path.join(out_dir, "cost.csv"), rows_csv)
    return "\n".join(table) + "\n"


def split_specs(text):
    """Splits a comma-separated optimizer list at the commas outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + ([cur] if cur else [])


def main(argv):
    if len(argv) >= 2 and argv[0] == "specs":
        print(",".join(specs(argv[1])))
    elif len(argv) == 4 and argv[0] == "pending":
        # pending RUNS SEEDS SPECS: line 1 "spec|seed" runs missing of specs already begun,
        # line 2 the specs not begun (for one more compare); a failed run counts as done.
        done = {(r["optimizer"], r["seed"]) for r in runs(argv[1])} if os.path.isdir(argv[1]) else set()
        seeds = range(int(argv[2]))
        partial, fresh = [], []
        for spec in split_specs(argv[3]):
            missing = [s for s in seeds if (canon(spec), s) not in done]
            if len(missing) == len(seeds):
                fresh.append(spec)
            else:
                partial += ["%s|%d" % (spec, s) for s in missing]
        print("\t".join(partial))
        print(",".join(fresh))
    elif len(argv) in (2, 3) and argv[0] == "rerun-own":
        done = {(r["optimizer"], r["seed"]) for r in runs(argv[2])} \
            if len(argv) == 3 and os.path.isdir(argv[2]) else set()
        for p in own_rerun_plan(argv[1]):
            if (canon(p[4]), p[2]) not in done:
                print("%s\t%d" % (p[4], p[2]))
    elif len(argv) == 2 and argv[0] == "rerun-specs":
        print(",".join(p[3] for p in rerun_plan(argv[1])))
    elif len(argv) == 7 and argv[0] == "report":
        out_dir, table_runs, rerun_runs, own_runs, sens_runs, cost_runs = argv[1:]
        os.makedirs(out_dir, exist_ok=True)
        parts = []
        if os.path.isdir(table_runs):
            parts.append("## Tables 1 and 2\n\n" + tables_report(out_dir, table_runs, rerun_runs, own_runs))
        if os.path.isdir(sens_runs):
            parts.append("## Sensitivity\n\n" + sensitivity_report(out_dir, sens_runs))
        if os.path.isdir(cost_runs):
            parts.append("## Step-time cost of tower height\n\n" + cost_report(out_dir, cost_runs))
        text = "\n".join(parts)
        path = os.path.join(out_dir, "results.md")
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        print(text)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
