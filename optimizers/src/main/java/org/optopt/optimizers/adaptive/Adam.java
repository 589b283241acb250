package org.optopt.optimizers.adaptive;

import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.decayParameters;
import static org.optopt.optimizers.transform.Transforms.scaleByAdam;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.kernel.Expr;
import org.optopt.api.optim.Choice;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.Variant;
import org.optopt.optimizers.transform.Update;

/**
 * Adam (torch.optim.Adam) and, with decoupled weight decay, AdamW (torch.optim.AdamW); both with
 * the {@code amsgrad} option:
 * <pre>
 * Adam:  d = g + weight_decay*p          AdamW: p = p*(1 - lr*weight_decay); d = g
 * m = beta1*m + (1 - beta1)*d
 * v = beta2*v + (1 - beta2)*d*d
 * vmax = max(vmax, v)                     (amsgrad; then vmax replaces v below)
 * p = p - (lr/(1 - beta1^t))*m / (sqrt(v)*(1/sqrt(1 - beta2^t)) + eps)
 * </pre>
 *
 * <p>Adam's {@link Variant#GDTUO} variant (alpha = 0.001 raw; beta1 = 0.9, beta2 = 0.999 stored as
 * atanh(2x - 1); eps = 1e-8 fixed): {@code m = beta1*m + (1 - beta1)*g},
 * {@code v = beta2*v + ((1 - beta2)*g)*g} (v starts at 1e-8),
 * {@code p = p - alpha*((m/(1 - beta1^t)) / (sqrt(v/(1 - beta2^t)) + 1e-8))}.
 */
public class Adam extends ElementwiseDefinition {
    /** The {@link Variant#GDTUO} variant (see the class description). */
    private static final Variant GDTUO = new Variant(List.of(Variant.raw("alpha", 0.001, "step size"),
            Variant.unit("beta1", 0.9, "decay of the first moment"), Variant.unit("beta2", 0.999, "decay of the second moment")),
            values -> chain("gdtuo_adam", (u, rule) -> {
                Expr g = u.value();
                rule.state("m", Expr.zero());
                rule.state("v", Expr.constant(1e-8));
                Expr m = rule.store("m", ema("m", "beta1", g));
                Expr v = rule.store("v", emaSquare("v", "beta2", g));
                Expr mHat = rule.let("m_hat", m.div(biasCorrection("beta1")));
                Expr vHat = rule.let("v_hat", v.div(biasCorrection("beta2")));
                return Update.of(mHat.div(vHat.sqrt().plus(1e-8)));
            }, scaleByLearningRate("alpha")));

    private final boolean decoupled;

    /** The provider of {@code adam}. */
    public Adam() {
        this(false);
    }

    /** The provider of {@code adamw} if {@code decoupled}, else of {@code adam}. */
    protected Adam(boolean decoupled) {
        super(decoupled ? "adamw" : "adam",
                decoupled ? "Adam with decoupled weight decay (torch.optim.AdamW; Loshchilov and Hutter 2019)"
                        : "Adam (torch.optim.Adam; Kingma and Ba 2015)",
                List.of(Hyperparameters.lr(1e-3), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-8),
                        decoupled ? Hyperparameters.weightDecay(1e-2, "decoupled decay: p *= 1 - lr*weight_decay")
                                : Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of(Choice.flag("amsgrad", false, "use the running maximum of v (AMSGrad)")));
        this.decoupled = decoupled;
    }

    @Override
    public final ElementwiseRule rule(Map<String, String> choices) {
        boolean amsgrad = Boolean.parseBoolean(choices.get("amsgrad"));
        return chain(name() + (amsgrad ? "_amsgrad" : ""), decoupled ? decayParameters() : addCoupledWeightDecay(),
                scaleByAdam(amsgrad), scaleByLearningRate("lr"));
    }

    @Override
    public final Optional<Variant> variant(String convention) {
        return !decoupled && convention.equals(Variant.GDTUO) ? Optional.of(GDTUO) : Optional.empty();
    }
}
