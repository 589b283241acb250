package org.optopt.optimizers.schedulefree;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;

import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Schedule-Free SGD ({@code schedule-free-sgd}; facebookresearch/schedule_free,
 * {@code sgd_schedulefree_reference.py}). Its step size and z step within the {@link ScheduleFree}
 * scheme, with y = p:
 * <pre>
 * lr_t = lr * min(1, t/warmup_steps)
 * z    = z - lr_t*(g + weight_decay*y)
 * beta = momentum
 * </pre>
 * Defaults as the reference: lr 1.0, momentum 0.9 (strictly between 0 and 1), weight_decay 0,
 * warmup_steps 0, r 0, weight_lr_power 2.
 */
public final class ScheduleFreeSgd extends ScheduleFree {
    /** Creates the provider. */
    public ScheduleFreeSgd() {
        super("schedule-free-sgd", "Schedule-Free SGD: train at an interpolation, evaluate at the average "
                        + "(Defazio et al. 2024, facebookresearch/schedule_free)",
                List.of(Hyperparameters.lr(1.0),
                        new Hyperparameter("momentum", 0.9, Domain.open(0, 1), "interpolation y = momentum*x + (1 - momentum)*z"),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient (at y)")));
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        return chain("schedule_free_sgd", addCoupledWeightDecay(), averaging("momentum", warmedUp()));
    }
}
