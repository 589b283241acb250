package org.optopt.optimizers.schedulefree;

import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addDecayedWeights;
import static org.optopt.optimizers.transform.Transforms.scaleBySecondMoment;

import java.util.List;
import java.util.Map;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.Rules;

/**
 * Schedule-Free AdamW ({@code schedule-free-adamw}; facebookresearch/schedule_free,
 * {@code adamw_schedulefree_reference.py}), the AlgoPerf self-tuning winner. Its step size and z step
 * within the {@link ScheduleFree} scheme, with y = p:
 * <pre>
 * lr_t = lr * min(1, t/warmup_steps) * sqrt(1 - beta2^t)
 * z    = z - lr_t*weight_decay*y
 * v    = beta2*v + (1 - beta2)*g*g                               (v starts at 0)
 * z    = z - lr_t*(g/(sqrt(v) + eps))
 * beta = beta1
 * </pre>
 * Defaults as the reference: lr 0.0025, betas (0.9, 0.999), eps 1e-8, weight_decay 0,
 * warmup_steps 0, r 0, weight_lr_power 2.
 */
public final class ScheduleFreeAdamW extends ScheduleFree {
    /** Creates the provider. */
    public ScheduleFreeAdamW() {
        super("schedule-free-adamw", "Schedule-Free AdamW: train at an interpolation, evaluate at the average "
                        + "(Defazio et al. 2024, facebookresearch/schedule_free)",
                List.of(Hyperparameters.lr(0.0025), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-8),
                        Hyperparameters.weightDecay(0, "decoupled decay of z at y: z -= lr_t*weight_decay*y")));
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        return chain("schedule_free_adamw", scaleBySecondMoment(), addDecayedWeights(),
                averaging("beta1", warmedUp().times(Rules.biasCorrection("beta2").sqrt())));
    }
}
