package org.optopt.optimizers.adaptive;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByRadam;

import java.util.List;
import java.util.Map;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * RAdam, Adam with a rectified adaptive learning rate (torch.optim.RAdam; Liu et al. 2020):
 * <pre>
 * d = g + weight_decay*p
 * m = beta1*m + (1 - beta1)*d ;  v = beta2*v + (1 - beta2)*d*d
 * mhat = m/(1 - beta1^t)
 * rho_inf = 2/(1 - beta2) - 1 ;  rho_t = rho_inf - 2*t*beta2^t/(1 - beta2^t)
 * rect = sqrt((rho_t - 4)(rho_t - 2)rho_inf / ((rho_inf - 4)(rho_inf - 2)rho_t))
 * p = rho_t > 5 ? p - mhat*lr*(sqrt(1 - beta2^t)/(sqrt(v) + eps))*rect : p - mhat*lr
 * </pre>
 */
public final class RAdam extends ElementwiseDefinition {
    /** Creates the provider. */
    public RAdam() {
        super("radam", "RAdam (torch.optim.RAdam; Liu et al. 2020)",
                List.of(Hyperparameters.lr(1e-3), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-8), Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        return chain("radam", addCoupledWeightDecay(), scaleByRadam(), scaleByLearningRate("lr"));
    }
}
