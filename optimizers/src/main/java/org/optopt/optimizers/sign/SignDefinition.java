package org.optopt.optimizers.sign;

import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.decoupledDecay;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.List;
import java.util.function.UnaryOperator;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;

/** The Lion family: decoupled decay, a map of the beta1 interpolation, and a beta2 momentum. */
abstract class SignDefinition extends ElementwiseDefinition {

    SignDefinition(String name, String description, List<Hyperparameter> hyperparameters, List<Choice> choices) {
        super(name, description, hyperparameters, choices);
    }

    /** The rule {@code p = p*(1 - lr*wd) - lr*direction(beta1*m + (1 - beta1)*g); m = beta2*m + (1 - beta2)*g}. */
    static ElementwiseRule rule(String name, UnaryOperator<Expr> direction) {
        Kernel kernel = Kernel.builder(name)
                .store("p", decoupledDecay())
                .let("c", ema("m", "beta1", g()))
                .store("p", p().minus(scalar("lr").times(direction.apply(Expr.local("c")))))
                .store("m", ema("m", "beta2", g()))
                .build();
        return new ElementwiseRule(kernel, List.of(new ElementwiseRule.StateBuffer("m", Expr.zero())), List.of());
    }
}
