package org.optopt.optimizers;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import org.optopt.api.kernel.Expr;

/**
 * The shared pieces of update rules, Optax-style: each returns an expression that a rule places
 * in its kernel, so the whole chain is fused into one pass.
 */
public final class Rules {
    private Rules() {}

    /** The parameter element {@code p}. */
    public static Expr p() {
        return buffer(ElementwiseRule.PARAMETER);
    }

    /** The gradient element {@code g}. */
    public static Expr g() {
        return buffer(ElementwiseRule.GRADIENT);
    }

    /** The step count {@code t} (1 on the first step). */
    public static Expr t() {
        return scalar(ElementwiseRule.STEP);
    }

    /** L2 (coupled) weight decay as torch.optim adds it to the gradient: {@code g + weight_decay*p}. */
    public static Expr coupledDecay() {
        return g().plus(scalar("weight_decay").times(p()));
    }

    /** Decoupled weight decay (AdamW, Lion): {@code p*(1 - lr*weight_decay)}. */
    public static Expr decoupledDecay() {
        return p().times(Expr.one().minus(scalar("lr").times(scalar("weight_decay"))));
    }

    /** An exponential moving average {@code beta*buffer + (1 - beta)*x}. */
    public static Expr ema(String buffer, String beta, Expr x) {
        return scalar(beta).times(buffer(buffer)).plus(scalar(beta).oneMinus().times(x));
    }

    /** An exponential moving average of squares {@code beta*buffer + ((1 - beta)*x)*x}, torch's addcmul order. */
    public static Expr emaSquare(String buffer, String beta, Expr x) {
        return scalar(beta).times(buffer(buffer)).plus(scalar(beta).oneMinus().times(x).times(x));
    }

    /** The bias correction {@code 1 - beta^t}. */
    public static Expr biasCorrection(String beta) {
        return scalar(beta).pow(t()).oneMinus();
    }
}
