package org.optopt.optimizers.schedulefree;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.p;
import static org.optopt.optimizers.Rules.t;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.transform.Transform;

/**
 * Schedule-Free learning (Defazio et al. 2024, "The Road Less Scheduled"; the reference
 * implementations {@code adamw_schedulefree_reference.py} and {@code sgd_schedulefree_reference.py}
 * of facebookresearch/schedule_free): the base step moves {@code z}, {@code x} is a weighted
 * average of the z iterates, and the model trains at their interpolation {@code y}. With
 * {@code t = k + 1} the step number and {@code lr_t} the variant's step size:
 * <pre>
 * lr_max = max(lr_max, lr_t)                                 (lr_max starts at 0)
 * weight = t^r * lr_max^weight_lr_power ;  weight_sum = weight_sum + weight
 * c      = weight/weight_sum  (0 while weight_sum = 0)
 * z      = the variant's step of z at the gradient g taken at y = p
 * x      = (1 - c)*x + c*z                                   (z and x start at p0)
 * p = y  = beta*x + (1 - beta)*z
 * </pre>
 * Evaluation uses {@code x}: the rule's {@link ElementwiseRule.Averaged} view writes x into the
 * parameters inside {@code Optimizer.evaluationView()} and recomputes y when it closes. The
 * scalars lr_max and weight_sum are host-side scalar states (one per parameter, equal within a
 * group, as the reference keeps them per group). The rule is one elementwise kernel, so either
 * variant can be a tower level; the hypergradient then treats lr_max and weight_sum as constants
 * of the step (they are detached between steps like all state).
 */
public abstract class ScheduleFree extends ElementwiseDefinition {
    /** The warmup-scaled learning rate {@code lr*min(1, t/max(warmup_steps, 1))}: t/warmup_steps while t <= warmup_steps. */
    static Expr warmedUp() {
        return scalar("lr").times(Expr.one().min(t().div(scalar("warmup_steps").max(Expr.one()))));
    }

    /** Defines a variant; {@code hyperparameters} come before the shared warmup and weighting ones. */
    ScheduleFree(String name, String description, List<Hyperparameter> hyperparameters) {
        super(name, description, withWeighting(hyperparameters), List.of());
    }

    private static List<Hyperparameter> withWeighting(List<Hyperparameter> own) {
        List<Hyperparameter> all = new ArrayList<>(own);
        all.add(new Hyperparameter("warmup_steps", 0, Domain.integerAtLeast(0),
                "linear warmup of lr over this many steps"));
        all.add(new Hyperparameter("r", 0, Domain.atLeast(0), "polynomial weighting power of the average"));
        all.add(new Hyperparameter("weight_lr_power", 2, Domain.atLeast(0),
                "the average's weights are lr_max to this power"));
        return all;
    }

    /**
     * The Schedule-Free averaging as the last transform of a chain: the update so far, times the
     * step size {@code lr_t}, is subtracted from {@code z} instead of the parameter; then x and
     * y = p follow as above. {@code beta} names the interpolation hyperparameter.
     *
     * @param lrT the step size lr_t of step t (uniform)
     */
    static Transform averaging(String beta, Expr lrT) {
        return (u, rule) -> {
            Expr lrMax = scalar("lr_max").max(lrT);
            Expr weight = t().pow(scalar("r")).times(lrMax.pow(scalar("weight_lr_power")));
            Expr weightSum = scalar("weight_sum").plus(weight);
            rule.scalarState("lr_max", 0, lrMax);
            rule.scalarState("weight_sum", 0, weightSum);
            // weight/weight_sum, and 0 while weight_sum = 0 (then weight = 0): no positive double is below MIN_VALUE.
            Expr c = weight.div(weightSum.max(Expr.constant(Double.MIN_VALUE)));
            Expr training = scalar(beta).times(buffer("x")).plus(scalar(beta).oneMinus().times(buffer("z")));
            rule.state("z", p());
            rule.state("x", p());
            rule.redirect("z");
            rule.averaged(new ElementwiseRule.Averaged(buffer("x"), training));
            rule.afterStep(r -> {
                Expr cLocal = r.let("c", c);
                r.store("x", cLocal.oneMinus().times(buffer("x")).plus(cLocal.times(buffer("z"))));
                r.store(ElementwiseRule.PARAMETER, training);
            });
            return u.scaled(rule.let("lr_t", lrT));
        };
    }

    @Override
    public abstract ElementwiseRule rule(Map<String, String> choices);
}
