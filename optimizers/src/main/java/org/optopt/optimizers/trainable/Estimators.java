package org.optopt.optimizers.trainable;

import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.api.kernel.Expr.zero;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.Rules;

/**
 * What the three Trainable Optimizer variants share: their hyperparameters, the {@code normalized}
 * option and the estimator step sizes of step t (0-based; the kernel step count is t + 1):
 * <pre>
 * gamma_a_t = gamma_a / (1 + t/tau)    gamma_b_t = gamma_b / (1 + t/tau)      (no decay when tau = 0)
 * normalized: both divided by (1 + ||w||^2), ||w||^2 of the tensor, accumulated in double
 * </pre>
 */
final class Estimators {
    /** The pass result {@code ||w||^2}. */
    static final String W_SQUARED = "w_sq";
    /** The squared residual norm {@code ||A w + b - g||^2} (a traced norm). */
    static final String RESIDUAL_NORM = "r_norm";
    /** The squared norm of b (a traced norm). */
    static final String B_NORM = "b_norm";

    private Estimators() {}

    /**
     * The hyperparameters: {@code lr > 0}, {@code gamma_a >= 0} (0 freezes A at 0, leaving EMA
     * momentum), {@code gamma_b > 0}, {@code tau >= 0}, and the variant's own.
     */
    static List<Hyperparameter> hyperparameters(List<Hyperparameter> own) {
        List<Hyperparameter> out = new ArrayList<>(List.of(
                new Hyperparameter("lr", 0.01, Domain.greaterThan(0), "model step size: w -= lr*(A w + b)"),
                new Hyperparameter("gamma_a", 0.05, Domain.atLeast(0), "estimator step size of A"),
                new Hyperparameter("gamma_b", 0.1, Domain.greaterThan(0), "estimator step size of b"),
                new Hyperparameter("tau", 0, Domain.atLeast(0),
                        "decay: gammas divided by 1 + t/tau at step t (0-based); 0 = constant")));
        out.addAll(own);
        return out;
    }

    /** The {@code normalized} option. */
    static List<Choice> choices() {
        return List.of(Choice.flag("normalized", false, "divide both gammas by 1 + ||w||^2 of the tensor"));
    }

    /** Whether the options ask for normalized step sizes. */
    static boolean normalized(Map<String, String> choices) {
        return Boolean.parseBoolean(choices.get("normalized"));
    }

    /**
     * {@code gamma_a_t} or {@code gamma_b_t} as a uniform expression of the kernel step count and,
     * if {@code normalized}, of the pass result {@value #W_SQUARED}.
     */
    static Expr stepSize(String gamma, boolean normalized) {
        Expr tau = scalar("tau");
        Expr decay = Expr.select(tau.gt(zero()), one().plus(Rules.t().minus(1).div(tau)), one());
        Expr denominator = normalized ? decay.times(one().plus(scalar(W_SQUARED))) : decay;
        return scalar(gamma).div(denominator);
    }
}
