package org.optopt.optimizers.adaptive;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByInverseTimeDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByRss;

import java.util.List;
import java.util.Map;
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
        return chain("adagrad", addCoupledWeightDecay(), scaleByRss(), scaleByLearningRate("lr"), scaleByInverseTimeDecay());
    }
}
