#!/usr/bin/env python3
"""Fits the rational approximation of tanh used by KernelMath.tanh (api module).

tanh(x)/x = P(y)/Q(y), y = x^2, on [0, 100] (x in [0, 10]), degrees 6 and 6, Q(0) = 1, minimizing
the relative error by iteratively reweighted linear least squares. Prints the maximum relative
error (about 4e-8) and the coefficients, lowest degree first. Needs numpy.

KernelMath.tanh rounds the coefficients to float and evaluates in float with fused multiply-adds,
which dominates its error (within 7 ulp); the clamp 7.98572 is the largest float at which that
evaluation gives exactly 1 and below which it never exceeds 1 (found by scanning every float).
"""
import numpy as np
from numpy.polynomial import chebyshev
# Fit tanh(x)/x = P(y)/Q(y), y = x^2 on [0, C^2] minimizing relative error (iteratively reweighted LS)
C = 10.0
n, m = 6, 6   # degrees of P and Q in y
xs = np.concatenate([np.linspace(0, C, 20001), C*np.sin(np.linspace(0, np.pi/2, 20001))**2])
xs = np.unique(xs)
y = xs**2
f = np.where(xs == 0, 1.0, np.tanh(xs)/np.where(xs==0,1,xs))
w = np.ones_like(y)
for it in range(30):
    # f*Q - P = 0 with Q0 = 1: unknowns p0..pn, q1..qm
    A = np.hstack([np.vstack([y**k for k in range(n+1)]).T, -(f[:,None]*np.vstack([y**k for k in range(1,m+1)]).T)])
    b = f
    sol, *_ = np.linalg.lstsq(A*w[:,None]/f[:,None], b*w/f, rcond=None)
    p = sol[:n+1]; q = np.concatenate([[1.0], sol[n+1:]])
    approx = np.polyval(p[::-1], y)/np.polyval(q[::-1], y)
    err = np.abs(approx/f - 1)
    w = w * (1 + 50*err/err.max())
    w /= w.mean()
print("max rel err", err.max())
np.set_printoptions(precision=17)
print(repr(p)); print(repr(q))
