package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.coupledDecay;
import static org.optopt.optimizers.Rules.decoupledDecay;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Choice;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

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
 */
public class Adam extends ElementwiseDefinition {
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
        Kernel.Builder k = Kernel.builder(name() + (amsgrad ? "_amsgrad" : ""));
        if (decoupled) {
            k.store("p", decoupledDecay());
            k.let("d", g());
        } else {
            k.let("d", coupledDecay());
        }
        Expr d = Expr.local("d");
        k.store("m", ema("m", "beta1", d));
        k.store("v", emaSquare("v", "beta2", d));
        String second = "v";
        if (amsgrad) {
            k.store("vmax", buffer("vmax").max(buffer("v")));
            second = "vmax";
        }
        // torch divides sqrt(v) by sqrt(1 - beta2^t); multiplying by the hoisted reciprocal leaves one
        // division per element (faster; the results differ from torch's by rounding only).
        Expr denom = buffer(second).sqrt().times(one().div(biasCorrection("beta2").sqrt())).plus(scalar("eps"));
        Expr stepSize = scalar("lr").div(biasCorrection("beta1"));
        k.store("p", p().minus(stepSize.times(buffer("m")).div(denom)));
        List<ElementwiseRule.StateBuffer> state = new ArrayList<>(List.of(
                new ElementwiseRule.StateBuffer("m", Expr.zero()), new ElementwiseRule.StateBuffer("v", Expr.zero())));
        if (amsgrad) {
            state.add(new ElementwiseRule.StateBuffer("vmax", Expr.zero()));
        }
        return new ElementwiseRule(k.build(), state, List.of());
    }
}
