package org.optopt.optimizers.trainable;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;

/**
 * Rank-One Trainable Optimizer ({@code to-rank1}; Wang and Klabjan, arXiv 2508.01764): per tensor,
 * the estimator {@code G = u (v.w) + b} (A = u v^T) trained online on the squared error against
 * each stochastic gradient; u and v start at {@code init} in every coordinate (0 is a saddle point),
 * b at 0:
 * <pre>
 * r  = u (v.w) + b - g
 * u' = u - gamma_a_t*(v.w)*r ;  v' = v - gamma_a_t*(u.r)*w          (the old u in v's update)
 * b  = b - gamma_b_t*r
 * w  = w - lr*(u' (v'.w) + b)
 * </pre>
 * The dot products are per-tensor reductions accumulated in double, in two passes (v.w and ||w||^2,
 * then u.r and ||r||^2, which depend on v.w); the update is one fused pass. {@code v'.w} is not a
 * third pass: it equals {@code v.w - gamma_a_t*(u.r)*||w||^2}, a scalar. O(d) memory (u, v, b).
 */
public final class RankOneTo extends ElementwiseDefinition {
    private static final String VW = "vw";
    private static final String UR = "ur";

    /** Creates the provider. */
    public RankOneTo() {
        super("to-rank1", "Trainable Optimizer, rank one: G = u (v.w) + b fitted online to the gradients "
                        + "(arXiv 2508.01764)",
                Estimators.hyperparameters(List.of(new Hyperparameter("init", 0.01, Domain.greaterThan(0),
                        "initial value of every coordinate of u and v"))),
                Estimators.choices());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        boolean normalized = Estimators.normalized(choices);
        Expr u = buffer("u");
        Expr v = buffer("v");
        Expr b = buffer("b");
        Expr vw = scalar(VW);
        Expr residual = u.times(vw).plus(b).minus(g());
        Kernel project = Kernel.builder("to_rank1_project")
                .sum(VW, v.times(p()))
                .sum(Estimators.W_SQUARED, p().square())
                .sum("u_norm", u.square())
                .sum("v_norm", v.square())
                .sum(Estimators.B_NORM, b.square())
                .build();
        Kernel residualPass = Kernel.builder("to_rank1_residual")
                .let("r", residual)
                .sum(UR, u.times(local("r")))
                .sum(Estimators.RESIDUAL_NORM, local("r").square())
                .build();
        Expr gammaA = Estimators.stepSize("gamma_a", normalized);
        Expr r = local("r");
        Expr newVw = vw.minus(gammaA.times(scalar(UR)).times(scalar(Estimators.W_SQUARED)));
        Kernel update = Kernel.builder("to_rank1")
                .let("r", residual)
                .store("u", u.minus(gammaA.times(vw).times(r)))
                .store("v", v.minus(gammaA.times(scalar(UR)).times(p())))
                .store("b", b.minus(Estimators.stepSize("gamma_b", normalized).times(r)))
                .store("p", p().minus(scalar("lr").times(u.times(newVw).plus(b))))
                .build();
        Expr init = scalar("init");
        return new ElementwiseRule(update,
                List.of(new ElementwiseRule.StateBuffer("u", init), new ElementwiseRule.StateBuffer("v", init),
                        new ElementwiseRule.StateBuffer("b", Expr.zero())),
                List.of(), Optional.empty(), List.of(project, residualPass),
                List.of(Estimators.RESIDUAL_NORM, "u_norm", "v_norm", Estimators.B_NORM));
    }
}
