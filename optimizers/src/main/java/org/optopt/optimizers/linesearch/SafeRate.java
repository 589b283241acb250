package org.optopt.optimizers.linesearch;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * SafeRate (Streeter and Dillon, "Automatically Bounding the Taylor Remainder Series", arXiv
 * 2212.11429, Chapter 5, and "Universal Majorization-Minimization Algorithms", arXiv 2308.00190;
 * rule as in the {@code google/autobound} notebook {@code safe_learning_rates.ipynb}, SEEDS.md D.3):
 * gradient descent whose step size minimizes a quadratic upper bound of the loss along the
 * negative gradient, so the loss never increases. At every step, with {@code eta_max} the trust
 * region (starting at {@code lr}, default 1.0 as the notebook's {@code initial_max_eta}):
 * <pre>
 * d   = -grad f(x)
 * f(x + eta d) in f(x) + c1 eta + [c2_lo, c2_hi] eta^2   for all eta in [0, eta_max]
 *       (the closure's degree-2 interval Taylor bound; c1 = grad f . d)
 * eta = argmin over [0, eta_max] of c1 eta + c2_hi eta^2
 *     = clip(-c1/(2 c2_hi), 0, eta_max) if c2_hi &gt; 0, else the better end point
 * x   = x + eta d                                  (so f(x_new) &lt;= f(x))
 * eta_max = eta_max/2 if eta &lt; eta_max/2 (or eta is NaN), else 2 eta_max
 * </pre>
 * Where the bound is not finite (NaN from an overflowing loss) the notebook would step by NaN;
 * here the parameters stay put and {@code eta_max} is halved, which keeps the descent monotone.
 *
 * <p>It needs {@link org.optopt.api.optim.Optimizer#step(org.optopt.api.optim.Closure)} with a
 * closure whose {@link org.optopt.api.optim.Closure#lineBound line bound} exists: a deterministic,
 * full-batch loss (in optopt, tasks {@code logreg-synthetic} and {@code ridge-toy --batch-size
 * 2000}); a mini-batch loss is refused. The bound is computed in double on float32 parameters,
 * so monotone descent holds up to float32 rounding of the new parameters. Not a tower level: the
 * step size comes from a bound of the loss, not from a kernel.
 */
public final class SafeRate extends OptimizerDefinition {

    /** Creates the provider. */
    public SafeRate() {
        super("saferate", "SafeRate: monotone step size from an interval Taylor bound of the loss (Streeter and Dillon "
                        + "2023; full-batch only)",
                List.of(new Hyperparameter("lr", 1.0, Domain.greaterThan(0),
                        "initial trust region eta_max (the step size is chosen in [0, eta_max])")),
                List.of());
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        return "saferate (needs step(closure) on a full-batch loss)\n"
                + "  d = -g ;  f(p + eta*d) in f(p) + c1*eta + [c2_lo, c2_hi]*eta^2 on [0, eta_max]  (closure's bound)\n"
                + "  eta = clip(-c1/(2*c2_hi), 0, eta_max) if c2_hi > 0, else the better of 0 and eta_max\n"
                + "  p = p + eta*d\n"
                + "  eta_max = eta_max/2 if eta < eta_max/2, else 2*eta_max     (eta_max starts at lr)\n";
    }

    @Override
    public SafeRateOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new SafeRateOptimizer(this, backend, parameters, resolve(config));
    }
}
