#!/usr/bin/env python3
"""SEEDS.md A.5's closed-form checks through the command line, against independent NumPy formulas.

For each closed-form budget of SEEDS.md A.2, runs `optopt design --budget B --sigma FILE --json`
with the closed form and with the numeric solver on a random SPD Sigma (d = 4) and compares both
optimal values with the value NumPy computes from the A.2 formula (eigenvalues, traces, norms: no
optopt code). Prints a Markdown table; exits 1 if any difference exceeds 1e-5 (A.5's tolerance).
The eta* = 0.49123 and m* = rho checks have no command of their own: StepSizeTest and
MomentumScoreTest (core-theory) check them; this script recomputes both from their formulas.

Usage: scripts/paper-a-closed-forms.py [SIGMA_JSON] [OPTOPT]
  (defaults: docs/reproductions/paper-a/sigma-d4.json, bin/optopt)
"""
import json
import subprocess
import sys

import numpy as np

ROOT = __file__.rsplit("/scripts/", 1)[0]
sigma_file = sys.argv[1] if len(sys.argv) > 1 else ROOT + "/docs/reproductions/paper-a/sigma-d4.json"
optopt = sys.argv[2] if len(sys.argv) > 2 else ROOT + "/bin/optopt"
S = np.array(json.load(open(sigma_file))["sigma"])
c = 1.0
s = np.diag(S)
w = np.linalg.eigvalsh(S)
P = np.diag([1.0, 2.0, 0.5, 4.0])  # metric budget: P = diag(1, 2, 0.5, 4)
expected = {
    "spectral": c * np.trace(S),
    "frobenius": c * np.linalg.norm(S),
    "trace": c * w.max(),
    "diagonal-l2": c * np.linalg.norm(s),
    "diagonal-box": c * s.sum(),
    "update-rms": c * np.sqrt(s).sum(),
    "update-second-moment": c * np.sqrt(w).sum(),
    "metric": c * np.sqrt(np.trace(np.linalg.inv(P) @ S)),
}
metric_file = "/tmp/paper-a-metric-d4.json"
json.dump({"metric": P.tolist()}, open(metric_file, "w"))


def design(budget, solver):
    args = [optopt, "design", "--budget", budget, "--sigma", sigma_file, "--solver", solver, "--json"]
    if budget == "metric":
        args += ["--metric", metric_file]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


worst = 0.0
print("| budget | NumPy formula | closed form | numeric solver | recovers | max abs. difference |")
print("|---|---|---|---|---|---|")
for budget, value in expected.items():
    closed, numeric = design(budget, "closed-form"), design(budget, "numeric")
    diff = max(abs(closed["value"] - value), abs(numeric["value"] - value))
    worst = max(worst, diff)
    print(f"| `{budget}` | {value:.8f} | {closed['value']:.8f} | {numeric['value']:.8f} | {closed['optimizer']} | {diff:.1e} |")

# A.3: eta* = |gbar|^2 / (gbar^T H gbar + tr(H C)) for Q = I
H, g, C = np.diag([4, 1, 0.25]), np.array([1, -2, 0.5]), 0.5 * np.eye(3)
eta = g @ g / (g @ H @ g + np.trace(H @ C))
print(f"\neta* (H = diag(4, 1, .25), gbar = (1, -2, .5), C = 0.5 I): {eta:.5f} (SEEDS.md A.5: 0.49123)")
# A.3: argmax over m of J(m) = sqrt(1 - m^2) sum_k m^k rho^k on a fine grid
m = np.linspace(0, 0.999, 99901)
for rho in (0.3, 0.7, 0.95):
    J = np.sqrt(1 - m * m) / (1 - m * rho)
    print(f"m* for R(k) = {rho}^k: {m[J.argmax()]:.4f}")
print(f"\nlargest difference from the NumPy formulas: {worst:.1e}")
sys.exit(0 if worst <= 1e-5 and abs(eta - 0.49123) < 5e-6 else 1)
