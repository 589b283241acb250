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


# --- LAMB: You et al. 2020, "Large Batch Optimization for Deep Learning", Algorithm 2 --------------
# phi = identity; the trust ratio is 1 when ||x|| or ||u|| is 0.
def lamb(tensors, h):
    lr, b1, b2 = h.get("lr", 1e-3), h.get("beta1", 0.9), h.get("beta2", 0.999)
    eps, wd = h.get("eps", 1e-6), h.get("weight_decay", 0.01)
    p = {n: t["p0"].copy() for n, t in tensors.items()}
    m = {n: np.zeros_like(v) for n, v in p.items()}
    v = {n: np.zeros_like(x) for n, x in p.items()}
    for k in range(STEPS):
        t = k + 1
        for n, tt in tensors.items():
            g = gradient(tt, p[n], k)
            m[n] = F(b1) * m[n] + F(1 - b1) * g
            v[n] = F(b2) * v[n] + F(1 - b2) * g * g
            r = (m[n] / F(1 - b1 ** t)) / (np.sqrt(v[n] / F(1 - b2 ** t)) + F(eps))
            u = r + F(wd) * p[n]
            pn = math.sqrt(float(np.sum(p[n].astype(np.float64) ** 2)))
            un = math.sqrt(float(np.sum(u.astype(np.float64) ** 2)))
            trust = pn / un if pn > 0 and un > 0 else 1.0
            p[n] = p[n] - F(lr * trust) * u
        yield {n: x.copy() for n, x in p.items()}


# --- Adafactor: Shazeer and Stern 2018, as torch.optim.Adafactor states it (its docs' algorithm) ----
# beta2_t = 1 - t^beta2_decay; rho_t = min(lr, 1/sqrt(t)); alpha_t = max(eps2, RMS(p)) rho_t;
# p *= 1 - lr*wd; factored second moments (row/column means of g^2) for rank >= 2, else a full one;
# U = g / max(sqrt(V), eps1); p -= alpha_t U / max(1, RMS(U)/d).
def adafactor(tensors, h):
    lr, decay, d = h.get("lr", 1e-2), h.get("beta2_decay", -0.8), h.get("d", 1.0)
    eps1, eps2, wd = h.get("eps1", float(np.finfo(np.float32).eps)), h.get("eps2", 1e-3), h.get("weight_decay", 0.0)
    p = {n: t["p0"].copy().reshape(t["shape"]) for n, t in tensors.items()}
    state = {}
    for k in range(STEPS):
        t = k + 1
        w = t ** decay                      # 1 - beta2_t
        rho = min(lr, 1 / t ** 0.5)
        for n, tt in tensors.items():
            g = gradient(tt, p[n].ravel(), k).reshape(p[n].shape)
            alpha = max(eps2, math.sqrt(float(np.sum(p[n].astype(np.float64) ** 2)) / p[n].size)) * rho
            if wd != 0:
                p[n] = p[n] * F(1 - lr * wd)
            if g.ndim > 1:
                r = state.setdefault(n + "/row", np.zeros(g.shape[:-1] + (1,), F))
                c = state.setdefault(n + "/col", np.zeros(g.shape[:-2] + (1, g.shape[-1]), F))
                r = r + F(w) * ((g * g).mean(axis=-1, keepdims=True, dtype=np.float64).astype(F) - r)
                c = c + F(w) * ((g * g).mean(axis=-2, keepdims=True, dtype=np.float64).astype(F) - c)
                state[n + "/row"], state[n + "/col"] = r, c
                var = (r * c) / np.maximum(r.mean(axis=-2, keepdims=True, dtype=np.float64).astype(F), F(eps1))
            else:
                var = state.setdefault(n + "/var", np.zeros_like(g))
                var = var + F(w) * (g * g - var)
                state[n + "/var"] = var
            u = g / np.sqrt(np.maximum(var, F(eps1 * eps1)))
            rms_u = math.sqrt(float(np.sum(u.astype(np.float64) ** 2)) / u.size)
            p[n] = p[n] - F(alpha / max(1.0, rms_u / d)) * u
        yield {n: x.ravel().copy() for n, x in p.items()}


# --- Prodigy: Mishchenko and Defazio 2024, Algorithm (Adam version) of the reference prodigy.py ---------
def prodigy(tensors, h):
    lr, b1, b2 = h.get("lr", 1.0), h.get("beta1", 0.9), h.get("beta2", 0.999)
    b3 = h.get("beta3", -1.0)
    b3 = math.sqrt(b2) if b3 < 0 else b3
    eps, wd, d0 = h.get("eps", 1e-8), h.get("weight_decay", 0.0), h.get("d0", 1e-6)
    d_coef, growth = h.get("d_coef", 1.0), h.get("growth_rate", float("inf"))
    decouple = h.get("decouple", True)
    bias_correction, safeguard = h.get("use_bias_correction", False), h.get("safeguard_warmup", False)
    p = {n: t["p0"].copy() for n, t in tensors.items()}
    p0 = {n: t["p0"].copy() for n, t in tensors.items()}
    m = {n: np.zeros_like(x) for n, x in p.items()}
    v = {n: np.zeros_like(x) for n, x in p.items()}
    s = {n: np.zeros_like(x) for n, x in p.items()}
    d, d_max, numerator = d0, d0, 0.0
    for k in range(STEPS):
        bc = math.sqrt(1 - b2 ** (k + 1)) / (1 - b1 ** (k + 1)) if bias_correction else 1.0
        dlr = d * lr * bc
        numerator *= b3
        denominator = 0.0
        for n, tt in tensors.items():
            g = gradient(tt, p[n], k)
            if wd != 0 and not decouple:
                g = g + F(wd) * p[n]
            numerator += (d / d0) * dlr * float(np.dot(g.astype(np.float64), (p0[n] - p[n]).astype(np.float64)))
            m[n] = F(b1) * m[n] + F(d * (1 - b1)) * g
            v[n] = F(b2) * v[n] + F(d * d * (1 - b2)) * g * g
            s[n] = F(b3) * s[n] + F((d / d0) * (d if safeguard else dlr)) * g
            denominator += float(np.sum(np.abs(s[n]).astype(np.float64)))
        if denominator == 0:
            yield {n: x.copy() for n, x in p.items()}
            continue
        d_hat = d_coef * numerator / denominator
        if d == d0:
            d = max(d, d_hat)
        d_max = max(d_max, d_hat)
        d = min(d_max, d * growth)
        for n in p:
            denom = np.sqrt(v[n]) + F(d * eps)
            if wd != 0 and decouple:
                p[n] = p[n] - F(wd * dlr) * p[n]
            p[n] = p[n] - F(dlr) * (m[n] / denom)
        yield {n: x.copy() for n, x in p.items()}


CASES = {
    "schedule-free-sgd": (schedule_free_sgd, 11, {"lr": 0.3, "momentum": 0.8, "weight_decay": 0.01,
                                                  "warmup_steps": 4, "r": 1.0, "weight_lr_power": 1.5}),
    "lamb": (lamb, 12, {"lr": 0.02, "beta1": 0.85, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05}),
    "adafactor": (adafactor, 13, {"lr": 0.05, "beta2_decay": -0.7, "d": 1.5, "weight_decay": 0.02}),
    "prodigy": (prodigy, 14, {"lr": 1.0, "d_coef": 0.8, "weight_decay": 0.01, "growth_rate": 1.5,
                              "use_bias_correction": True}),
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
