package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.coupledDecay;
import static org.optopt.optimizers.Rules.p;
import static org.optopt.optimizers.Rules.t;

import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Adagrad (torch.optim.Adagrad; Duchi et al. 2011):
 * <pre>
 * d   = g + weight_decay*p
 * sum = sum + d*d                      (sum starts at initial_accumulator_value)
 * p   = p - (lr/(1 + (t - 1)*lr_decay))*d / (sqrt(sum) + eps)
 * </pre>
 */
public final class Adagrad extends ElementwiseDefinition {
    /** Creates the provider. */
    public Adagrad() {
        super("adagrad", "Adagrad (torch.optim.Adagrad; Duchi, Hazan and Singer 2011)",
                List.of(Hyperparameters.lr(1e-2),
                        new Hyperparameter("lr_decay", 0, Domain.atLeast(0), "learning-rate decay: lr/(1 + (t-1)*lr_decay)"),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient"),
                        new Hyperparameter("initial_accumulator_value", 0, Domain.atLeast(0), "initial value of sum"),
                        Hyperparameters.eps(1e-10)),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        Expr d = Expr.local("d");
        Expr clr = scalar("lr").div(Expr.one().plus(t().minus(1).times(scalar("lr_decay"))));
        Kernel kernel = Kernel.builder("adagrad")
                .let("d", coupledDecay())
                .store("sum", buffer("sum").plus(d.times(d)))
                .store("p", p().minus(clr.times(d).div(buffer("sum").sqrt().plus(scalar("eps")))))
                .build();
        return new ElementwiseRule(kernel,
                List.of(new ElementwiseRule.StateBuffer("sum", scalar("initial_accumulator_value"))), List.of());
    }
}
