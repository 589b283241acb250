package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.coupledDecay;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.p;

import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Adamax, Adam's infinity-norm variant (torch.optim.Adamax; Kingma and Ba 2015, section 7):
 * <pre>
 * d = g + weight_decay*p
 * m = beta1*m + (1 - beta1)*d
 * u = max(beta2*u, |d| + eps)
 * p = p - (lr/(1 - beta1^t))*m / u
 * </pre>
 */
public final class Adamax extends ElementwiseDefinition {
    /** Creates the provider. */
    public Adamax() {
        super("adamax", "Adamax (torch.optim.Adamax; Kingma and Ba 2015)",
                List.of(Hyperparameters.lr(2e-3), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-8), Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        Expr d = Expr.local("d");
        Kernel kernel = Kernel.builder("adamax")
                .let("d", coupledDecay())
                .store("m", ema("m", "beta1", d))
                .store("u", scalar("beta2").times(buffer("u")).max(d.abs().plus(scalar("eps"))))
                .store("p", p().minus(scalar("lr").div(biasCorrection("beta1")).times(buffer("m")).div(buffer("u"))))
                .build();
        return new ElementwiseRule(kernel, List.of(new ElementwiseRule.StateBuffer("m", Expr.zero()),
                new ElementwiseRule.StateBuffer("u", Expr.zero())), List.of());
    }
}
