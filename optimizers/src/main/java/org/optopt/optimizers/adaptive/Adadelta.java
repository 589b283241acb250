package org.optopt.optimizers.adaptive;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByAdadelta;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Adadelta (torch.optim.Adadelta; Zeiler 2012):
 * <pre>
 * d = g + weight_decay*p
 * square_avg = rho*square_avg + (1 - rho)*d*d
 * delta = sqrt(acc_delta + eps)/sqrt(square_avg + eps)*d      (old acc_delta)
 * acc_delta = rho*acc_delta + (1 - rho)*delta*delta
 * p = p - lr*delta
 * </pre>
 */
public final class Adadelta extends ElementwiseDefinition {
    /** Creates the provider. */
    public Adadelta() {
        super("adadelta", "Adadelta (torch.optim.Adadelta; Zeiler 2012)",
                List.of(Hyperparameters.lr(1.0),
                        new Hyperparameter("rho", 0.9, Domain.closedOpen(0, 1), "decay of the running averages"),
                        Hyperparameters.eps(1e-6), Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        return chain("adadelta", addCoupledWeightDecay(), scaleByAdadelta(), scaleByLearningRate("lr"));
    }
}
