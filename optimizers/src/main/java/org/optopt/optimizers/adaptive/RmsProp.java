package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.coupledDecay;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.Rules.p;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

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
 */
public final class RmsProp extends ElementwiseDefinition {
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
        Expr d = Expr.local("d");
        Expr momentum = scalar("momentum");
        Expr useMomentum = momentum.gt(Expr.zero());
        Kernel.Builder k = Kernel.builder(centered ? "rmsprop_centered" : "rmsprop")
                .let("d", coupledDecay())
                .store("square_avg", emaSquare("square_avg", "alpha", d));
        Expr variance = buffer("square_avg");
        if (centered) {
            k.store("grad_avg", ema("grad_avg", "alpha", d));
            variance = variance.minus(buffer("grad_avg").times(buffer("grad_avg")));
        }
        Expr avg = Expr.local("avg");
        k.let("avg", variance.sqrt().plus(scalar("eps")))
                .store("buf", Expr.select(useMomentum, momentum.times(buffer("buf")).plus(d.div(avg)), Expr.zero()))
                .store("p", Expr.select(useMomentum, p().minus(scalar("lr").times(buffer("buf"))),
                        p().minus(scalar("lr").times(d).div(avg))));
        List<ElementwiseRule.StateBuffer> state = new ArrayList<>();
        state.add(new ElementwiseRule.StateBuffer("square_avg", Expr.zero()));
        if (centered) {
            state.add(new ElementwiseRule.StateBuffer("grad_avg", Expr.zero()));
        }
        state.add(new ElementwiseRule.StateBuffer("buf", Expr.zero()));
        return new ElementwiseRule(k.build(), state, List.of());
    }
}
