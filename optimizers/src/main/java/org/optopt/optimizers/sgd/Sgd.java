package org.optopt.optimizers.sgd;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.trace;

import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * as torch.optim.SGD:
 * <pre>
 * d   = g + weight_decay*p
 * buf = d                                   on the first step or when momentum = 0
 * buf = momentum*buf + (1 - dampening)*d    afterwards
 * p   = p - lr*(nesterov ? d + momentum*buf : buf)
 * </pre>
 */
public final class Sgd extends ElementwiseDefinition {
    /** Creates the provider. */
    public Sgd() {
        super("sgd", "stochastic gradient descent with momentum (torch.optim.SGD)",
                List.of(Hyperparameters.lr(1e-3),
                        Hyperparameters.momentum(0, "momentum factor"),
                        new Hyperparameter("dampening", 0, Domain.closed(0, 1), "dampening of the momentum"),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of(Choice.flag("nesterov", false, "Nesterov momentum")));
    }

    @Override
    protected void crossCheck(Map<String, Double> values, Map<String, String> choices) {
        if (Boolean.parseBoolean(choices.get("nesterov"))
                && (values.get("momentum") <= 0 || values.get("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0, got momentum = "
                    + values.get("momentum") + ", dampening = " + values.get("dampening"));
        }
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        boolean nesterov = Boolean.parseBoolean(choices.get("nesterov"));
        return chain(nesterov ? "sgd_nesterov" : "sgd", addCoupledWeightDecay(), trace(nesterov), scaleByLearningRate("lr"));
    }
}
