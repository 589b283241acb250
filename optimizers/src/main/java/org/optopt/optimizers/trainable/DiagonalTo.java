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
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;

/**
 * Diagonal Trainable Optimizer ({@code to-diag}; Wang and Klabjan, arXiv 2508.01764): per tensor,
 * the gradient estimator {@code G = a*w + b} (A = diag(a)) is trained online on the squared error
 * against each stochastic gradient, with a, b starting at 0:
 * <pre>
 * r = a*w + b - g
 * a = a - gamma_a_t*(r*w) ;  b = b - gamma_b_t*r
 * w = w - lr*(a*w + b)                       (the updated a, b)
 * </pre>
 * (step sizes: {@link Estimators}). One reduction pass (the residual's norm, which also catches a
 * non-finite residual before anything changes, and ||w||^2 when normalized), then one fused update:
 * O(d) memory (a and b).
 */
public final class DiagonalTo extends ElementwiseDefinition {
    /** Creates the provider. */
    public DiagonalTo() {
        super("to-diag", "Trainable Optimizer, diagonal: G = a*w + b fitted online to the gradients (arXiv 2508.01764)",
                Estimators.hyperparameters(List.of()), Estimators.choices());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        boolean normalized = Estimators.normalized(choices);
        Expr a = buffer("a");
        Expr b = buffer("b");
        Expr residual = a.times(p()).plus(b).minus(g());
        Kernel.Builder pass = Kernel.builder("to_diag_residual")
                .sum(Estimators.RESIDUAL_NORM, residual.square())
                .sum("a_norm", a.square())
                .sum(Estimators.B_NORM, b.square());
        if (normalized) {
            pass.sum(Estimators.W_SQUARED, p().square());
        }
        Expr r = local("r");
        Kernel update = Kernel.builder("to_diag")
                .let("r", residual)
                .store("a", a.minus(Estimators.stepSize("gamma_a", normalized).times(r.times(p()))))
                .store("b", b.minus(Estimators.stepSize("gamma_b", normalized).times(r)))
                .store("p", p().minus(scalar("lr").times(a.times(p()).plus(b))))
                .build();
        return new ElementwiseRule(update,
                List.of(new ElementwiseRule.StateBuffer("a", Expr.zero()), new ElementwiseRule.StateBuffer("b", Expr.zero())),
                List.of(), Optional.empty(), List.of(pass.build()), List.of(Estimators.RESIDUAL_NORM, "a_norm", Estimators.B_NORM));
    }
}
