package org.optopt.optimizers.matrix;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Capabilities;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * K-FAC (Martens and Grosse 2015) as paper A's metric-budget design with a Kronecker-factored metric
 * ({@code org.optopt.theory.KroneckerMetric}), from gradient statistics. Each parameter is viewed as a
 * matrix G of rows x cols (a vector as 1 x n, higher ranks as dim0 x rest), d = rows*cols:
 * <pre>
 * L = beta*L + (1-beta)*G G^T      R = beta*R + (1-beta)*G^T G      s = beta*s + (1-beta)*|G|^2   (from 0)
 * every update_every steps (and on the first), with the bias-corrected L and R, r = sqrt(damping):
 *     L_inv = ((rows*L/tr L + r*I) / (1 + r))^-1      R_inv = ((cols*R/tr R + r*I) / (1 + r))^-1
 * U = L_inv G R_inv
 * e = beta*e + (1-beta)*&lt;G, U&gt;                                                               (from 0)
 * buf = momentum*buf + U ;  p = p - lr*sqrt(d)/sqrt(e/(1-beta^t))*buf
 * </pre>
 * Why this is K-FAC: the metric budget E[u^T P u] &lt;= c^2 has the optimum u = c P^-1 g /
 * sqrt(E[g^T P^-1 g]) (the natural-gradient direction, its length set by the budget); with
 * P = A (x) B the direction is A^-1 G B^-1. The optimizer sees gradients, not layer activations, so
 * the factors are the gradient's own Kronecker factors: for a per-example gradient a delta^T they
 * are E[a a^T |delta|^2] and E[delta delta^T |a|^2], K-FAC's activation and output-gradient factors up
 * to scale. Choices, and why: the factors are scaled to mean eigenvalue 1 and damped with the mean
 * kept at 1, so that the damping is relative and P = I for isotropic statistics; the radius is
 * lr*sqrt(d), so that lr is the update's RMS per coordinate in the metric (with P = I the step is
 * lr*sqrt(d)*g/sqrt(E|g|^2), normalized SGD), comparable to Adam's lr; E[g^T P^-1 g] is measured
 * (the average e of g^T P^-1 g = &lt;G, U&gt;) rather than taken from the factors, which bounds a
 * step's metric length by c/sqrt(1-beta) even when a gradient leaves the factors' span between two
 * designs (the factor-only estimate of {@code KroneckerMetric.fromStatistics} does not, and diverged
 * on a parabola); the inverses are recomputed every update_every steps, lr acts at every step.
 * A side longer than {@code max_side} keeps the identity (the design's factor of a 1 x 1 statistic).
 * Cost: a design validates and inverts each factor by Cholesky factorizations in double (EJML, one
 * thread; the design needs the inverse only, no fractional power): about 1.3 to 1.7 s for a 784 side
 * on the shared 2-core build machine, 1.7 to 2.3 times faster than the eigendecompositions it used
 * before ({@code scripts/benchmarks/factor-inverse.sh}), and {@code update_every} = 50 by default;
 * between designs a step is four gemms and two fused kernels.
 */
public final class Kfac extends OptimizerDefinition {
    /** Creates the provider. */
    public Kfac() {
        super("kfac", "K-FAC from gradient statistics: the metric-budget design with a Kronecker-factored metric, "
                        + "lr*sqrt(d)/sqrt(E[g^T P^-1 g]) * L^-1 G R^-1",
                List.of(Hyperparameters.lr(1e-3),
                        Hyperparameters.momentum(0, "heavy-ball momentum on the preconditioned step"),
                        new Hyperparameter("damping", 1e-2, Domain.greaterThan(0),
                                "sqrt(damping) is added to each factor scaled to mean eigenvalue 1"),
                        new Hyperparameter("beta", 0.95, Domain.closedOpen(0, 1), "decay of the factor averages"),
                        new Hyperparameter("update_every", 50, Domain.integerAtLeast(1),
                                "recompute the factor inverses every this many steps"),
                        new Hyperparameter("max_side", KfacOptimizer.DEFAULT_MAX_SIDE, Domain.integerAtLeast(1),
                                "longest side that gets a factor (others keep the identity)")),
                List.of());
    }

    /** A matrix optimizer (Kronecker-factored preconditioner); not a tower level. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.matrixOnly();
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        return "kfac (per parameter as a rows x cols matrix G, d = rows*cols; L, R, s, e, buf start at 0)\n"
                + "  L = beta*L + (1-beta)*G*G^T ;  R = beta*R + (1-beta)*G^T*G\n"
                + "  every update_every steps, bias-corrected, r = sqrt(damping):\n"
                + "    L_inv = ((rows*L/tr(L) + r*I)/(1 + r))^-1 ;  R_inv = ((cols*R/tr(R) + r*I)/(1 + r))^-1"
                + "   (metric-budget design, P = A (x) B)\n"
                + "  U = L_inv*G*R_inv ;  e = beta*e + (1-beta)*sum(G*U)\n"
                + "  buf = momentum*buf + U ;  p = p - lr*sqrt(d)/sqrt(e/(1-beta^t))*buf\n";
    }

    @Override
    public KfacOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new KfacOptimizer(this, backend, parameters, resolve(config));
    }
}
