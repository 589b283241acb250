package org.optopt.optimizers.adaptive;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByAdamax;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.List;
import java.util.Map;
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
        return chain("adamax", addCoupledWeightDecay(), scaleByAdamax(), scaleByLearningRate("lr"));
    }
}
