package org.optopt.optimizers.sgd;

import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.t;
import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRateFromRight;
import static org.optopt.optimizers.transform.Transforms.trace;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.kernel.Expr;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.Variant;
import org.optopt.optimizers.transform.RuleBuilder;
import org.optopt.optimizers.transform.Update;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * as torch.optim.SGD:
 * <pre>
 * d   = g + weight_decay*p
 * buf = d                                   on the first step or when momentum = 0
 * buf = momentum*buf + (1 - dampening)*d    afterwards
 * p   = p - lr*(nesterov ? d + momentum*buf : buf)
 * </pre>
 *
 * <p>Its {@link Variant#GDTUO} variant (hyperparameters alpha = 0.01 and mu = 0, stored raw, both
 * learned): {@code p = p - g*alpha} if mu = 0 at creation, else
 * {@code buf = (t == 1 ? g : buf*mu + g); p = p - buf*alpha}.
 */
public final class Sgd extends ElementwiseDefinition {
    /** The {@link Variant#GDTUO} variant (see the class description). */
    private static final Variant GDTUO = new Variant(List.of(Variant.raw("alpha", 0.01, "step size"),
            Variant.raw("mu", 0.0, "momentum, used only if nonzero at creation")),
            values -> values.get("mu") != 0
                    ? chain("gdtuo_sgd_momentum", Sgd::gdtuoMomentum, scaleByLearningRateFromRight("alpha"))
                    : chain("gdtuo_sgd", scaleByLearningRateFromRight("alpha")));

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

    @Override
    public Optional<Variant> variant(String convention) {
        return convention.equals(Variant.GDTUO) ? Optional.of(GDTUO) : Optional.empty();
    }

    /** gdtuo's momentum: {@code buf = u} on the first step, else {@code buf*mu + u}; the update {@code buf}. */
    private static Update gdtuoMomentum(Update u, RuleBuilder rule) {
        Expr buf = rule.state("buf", Expr.zero());
        return Update.of(rule.store("buf", Expr.select(t().gt(Expr.one()), buf.times(scalar("mu")).plus(u.value()),
                u.value())));
    }
}
