package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.coupledDecay;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.Rules.p;
import static org.optopt.optimizers.Rules.t;

import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * RAdam, Adam with a rectified adaptive learning rate (torch.optim.RAdam; Liu et al. 2020):
 * <pre>
 * d = g + weight_decay*p
 * m = beta1*m + (1 - beta1)*d ;  v = beta2*v + (1 - beta2)*d*d
 * mhat = m/(1 - beta1^t)
 * rho_inf = 2/(1 - beta2) - 1 ;  rho_t = rho_inf - 2*t*beta2^t/(1 - beta2^t)
 * rect = sqrt((rho_t - 4)(rho_t - 2)rho_inf / ((rho_inf - 4)(rho_inf - 2)rho_t))
 * p = rho_t > 5 ? p - mhat*lr*(sqrt(1 - beta2^t)/(sqrt(v) + eps))*rect : p - mhat*lr
 * </pre>
 */
public final class RAdam extends ElementwiseDefinition {
    /** Creates the provider. */
    public RAdam() {
        super("radam", "RAdam (torch.optim.RAdam; Liu et al. 2020)",
                List.of(Hyperparameters.lr(1e-3), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-8), Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of());
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        Expr d = Expr.local("d");
        Expr mhat = Expr.local("mhat");
        Expr lr = scalar("lr");
        Expr rhoInf = Expr.constant(2).div(scalar("beta2").oneMinus()).minus(1);
        Expr rhoT = rhoInf.minus(Expr.constant(2).times(t()).times(scalar("beta2").pow(t())).div(biasCorrection("beta2")));
        Expr rectified = rhoT.gt(Expr.constant(5));
        Expr rect = Expr.select(rectified, rhoT.minus(4).times(rhoT.minus(2)).times(rhoInf)
                .div(rhoInf.minus(4).times(rhoInf.minus(2)).times(rhoT)).sqrt(), Expr.zero());
        Expr adaptive = biasCorrection("beta2").sqrt().div(buffer("v").sqrt().plus(scalar("eps")));
        Kernel kernel = Kernel.builder("radam")
                .let("d", coupledDecay())
                .store("m", ema("m", "beta1", d))
                .store("v", emaSquare("v", "beta2", d))
                .let("mhat", buffer("m").div(biasCorrection("beta1")))
                .store("p", Expr.select(rectified, p().minus(mhat.times(lr).times(adaptive).times(rect)),
                        p().minus(mhat.times(lr))))
                .build();
        return new ElementwiseRule(kernel,
                List.of(new ElementwiseRule.StateBuffer("m", Expr.zero()), new ElementwiseRule.StateBuffer("v", Expr.zero())),
                List.of());
    }
}
