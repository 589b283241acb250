package org.optopt.optimizers.adaptive;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByNadam;

import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * NAdam, Adam with Nesterov momentum (torch.optim.NAdam; Dozat 2016), with the momentum schedule
 * {@code mu_t = beta1*(1 - 0.5*0.96^(t*momentum_decay))} and the scalar state
 * {@code mu_product = mu_1*...*mu_(t-1)} carried on the host:
 * <pre>
 * d = g + weight_decay*p
 * m = beta1*m + (1 - beta1)*d
 * v = beta2*v + (1 - beta2)*d*d
 * denom = sqrt(v/(1 - beta2^t)) + eps
 * p = p - (lr*(1 - mu_t)/(1 - mu_product*mu_t))*d/denom
 *       - (lr*mu_(t+1)/(1 - mu_product*mu_t*mu_(t+1)))*m/denom
 * </pre>
 * With the option {@code torch113} the momentum term's correction is
 * {@code 1 - mu_product*mu_t*mu_t*mu_(t+1)}, counting {@code mu_t} twice, as torch 1.13's NAdam
 * computes it (its golden trajectories show this; Dozat's formula and later torch releases use
 * the product of {@code mu_1..mu_(t+1)} as above).
 */
public final class NAdam extends ElementwiseDefinition {
    /** Creates the provider. */
    public NAdam() {
        super("nadam", "NAdam (torch.optim.NAdam; Dozat 2016)",
                List.of(Hyperparameters.lr(2e-3), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-8), Hyperparameters.weightDecay(0, "L2 penalty added to the gradient"),
                        new Hyperparameter("momentum_decay", 4e-3, Domain.atLeast(0), "decay of the momentum schedule")),
                List.of(Choice.flag("torch113", false,
                        "reproduce torch 1.13, whose momentum-term correction counts mu_t twice")));
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        boolean torch113 = Boolean.parseBoolean(choices.get("torch113"));
        return chain(torch113 ? "nadam_torch113" : "nadam", addCoupledWeightDecay(), scaleByNadam(torch113),
                scaleByLearningRate("lr"));
    }
}
