package org.optopt.optimizers.sign;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.decayParameters;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleBySign;

import java.util.List;
import java.util.function.UnaryOperator;
import org.optopt.api.kernel.Expr;
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
        return chain(name, decayParameters(), scaleBySign(direction), scaleByLearningRate("lr"));
    }
}
