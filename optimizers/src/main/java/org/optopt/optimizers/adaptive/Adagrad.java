package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByInverseTimeDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByRss;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.kernel.Expr;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.Variant;
import org.optopt.optimizers.transform.Update;

/**
 * Adagrad (torch.optim.Adagrad; Duchi et al. 2011):
 * <pre>
 * d   = g + weight_decay*p
 * sum = sum + d*d                      (sum starts at initial_accumulator_value)
 * p   = p - (lr/(1 + (t - 1)*lr_decay))*d / (sqrt(sum) + eps)
 * </pre>
 *
 * <p>Its {@link Variant#GDTUO} variant (alpha = 0.01, stored raw):
 * {@code G = G + g^2} (G starts at 0.1), {@code p = p - (alpha*g)/sqrt(G + 1e-10)}.
 */
public final class Adagrad extends ElementwiseDefinition {
    /** The {@link Variant#GDTUO} variant (see the class description). */
    private static final Variant GDTUO = new Variant(List.of(Variant.raw("alpha", 0.01, "step size")),
            values -> chain("gdtuo_adagrad", (u, rule) -> {
                Expr g = u.value();
                rule.state("G", Expr.constant(0.1));
                Expr sum = rule.store("G", buffer("G").plus(g.square()));
                return Update.fraction(g, sum.plus(1e-10).sqrt());
            }, scaleByLearningRate("alpha")));

    /** Creates the provider. */
    public Adagrad() {
        super("adagrad", "Adagrad (torch.optim.Adagrad; Duchi, Hazan and Singer 2011)",
                List.of(Hyperparameters.lr(1e-2),
                        new Hyperparameter("lr_decay", 0, Domain.atLeast(0), "learning-rate decay: lr/(1 + (t-1)*lr_decay)"),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient"),
                        new Hyperparameter("initial_accumulator_value", 0, Domain.atLeast(0), "initial value of sum"),
                        Hyperparameters.eps(1e-10)),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        return chain("adagrad", addCoupledWeightDecay(), scaleByRss(), scaleByLearningRate("lr"), scaleByInverseTimeDecay());
    }

    @Override
    public Optional<Variant> variant(String convention) {
        return convention.equals(Variant.GDTUO) ? Optional.of(GDTUO) : Optional.empty();
    }
}
