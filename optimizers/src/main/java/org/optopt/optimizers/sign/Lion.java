package org.optopt.optimizers.sign;

import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"; reference
 * lucidrains/lion-pytorch):
 * <pre>
 * p = p*(1 - lr*weight_decay)
 * c = beta1*m + (1 - beta1)*g
 * p = p - lr*sign(c)
 * m = beta2*m + (1 - beta2)*g
 * </pre>
 */
public final class Lion extends SignDefinition {
    /** Creates the provider. */
    public Lion() {
        super("lion", "Lion (Chen et al. 2023, arXiv 2302.06675)",
                List.of(Hyperparameters.lr(1e-4), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.99),
                        Hyperparameters.weightDecay(0, "decoupled decay: p *= 1 - lr*weight_decay")),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        return rule("lion", Expr::sign);
    }
}
