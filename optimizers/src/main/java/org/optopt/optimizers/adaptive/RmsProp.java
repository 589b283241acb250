package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByRms;
import static org.optopt.optimizers.transform.Transforms.traceIfMomentum;

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
import org.optopt.optimizers.transform.Update;

/**
 * RMSProp (torch.optim.RMSprop; Hinton's lecture 6e), optionally centered, with momentum:
 * <pre>
 * d = g + weight_decay*p
 * square_avg = alpha*square_avg + (1 - alpha)*d*d
 * grad_avg   = alpha*grad_avg + (1 - alpha)*d                       (centered)
 * avg = sqrt(square_avg [- grad_avg*grad_avg if centered]) + eps
 * buf = momentum > 0 ? momentum*buf + d/avg : 0
 * p   = momentum > 0 ? p - lr*buf : p - lr*d/avg
 * </pre>
 *
 * <p>Its {@link Variant#GDTUO} variant (alpha = 0.01 stored as its square root, gamma = 0.99 stored
 * as atanh(2x - 1)): {@code s = gamma*s + (1 - gamma)*g^2}, {@code p = p - (alpha*g)/sqrt(s + 1e-8)}.
 */
public final class RmsProp extends ElementwiseDefinition {
    /** The {@link Variant#GDTUO} variant (see the class description). */
    private static final Variant GDTUO = new Variant(List.of(
            new Hyperparameter("alpha", 0.01, Domain.atLeast(0), "step size (stored as its square root)"),
            Variant.unit("gamma", 0.99, "decay of the squared-gradient average")),
            values -> chain("gdtuo_rmsprop", (u, rule) -> {
                Expr g = u.value();
                rule.state("s", Expr.zero());
                Expr s = rule.store("s", scalar("gamma").times(buffer("s")).plus(scalar("gamma").oneMinus().times(g.square())));
                return Update.fraction(g, s.plus(1e-8).sqrt());
            }, scaleByLearningRate("alpha")));

    /** Creates the provider. */
    public RmsProp() {
        super("rmsprop", "RMSProp (torch.optim.RMSprop; Tieleman and Hinton 2012)",
                List.of(Hyperparameters.lr(1e-2),
                        new Hyperparameter("alpha", 0.99, Domain.closedOpen(0, 1), "smoothing constant of square_avg"),
                        Hyperparameters.eps(1e-8),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient"),
                        Hyperparameters.momentum(0, "momentum factor")),
                List.of(Choice.flag("centered", false, "normalize by the estimated variance of the gradient")));
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        boolean centered = Boolean.parseBoolean(choices.get("centered"));
        return chain(centered ? "rmsprop_centered" : "rmsprop", addCoupledWeightDecay(), scaleByRms(centered),
                traceIfMomentum(), scaleByLearningRate("lr"));
    }

    @Override
    public Optional<Variant> variant(String convention) {
        return convention.equals(Variant.GDTUO) ? Optional.of(GDTUO) : Optional.empty();
    }
}
