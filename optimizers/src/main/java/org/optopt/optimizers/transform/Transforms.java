package org.optopt.optimizers.transform;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.api.kernel.Expr.zero;
import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.Rules.p;
import static org.optopt.optimizers.Rules.t;

import java.util.List;
import java.util.function.UnaryOperator;
import org.optopt.api.kernel.Expr;
import org.optopt.optimizers.ElementwiseRule;

/**
 * The transforms the elementwise optimizers are chained from (Optax's {@code transform.py}).
 * Each reads its hyperparameters as kernel scalars by their usual names ({@code lr},
 * {@code beta1}, {@code eps}, ...), declares the state buffers it keeps and writes them in the
 * float order of the reference implementation (torch.optim unless said otherwise). {@code u} is
 * the incoming update; at the start of a chain, the gradient {@code g}.
 */
public final class Transforms {
    private Transforms() {}

    /** torch's {@code weight_decay} (L2 added to the gradient): {@code d = u + weight_decay*p}. */
    public static Transform addCoupledWeightDecay() {
        return (u, rule) -> Update.of(rule.let("d", u.value().plus(scalar("weight_decay").times(p()))));
    }

    /**
     * Decoupled weight decay (AdamW, Lion) as torch applies it, to the parameter before the step:
     * {@code p = p*(1 - lr*weight_decay)}; the update passes on unchanged, named {@code d} as
     * {@link #addCoupledWeightDecay()} names it, so that a rule reads the same with either decay.
     */
    public static Transform decayParameters() {
        return (u, rule) -> {
            rule.store(ElementwiseRule.PARAMETER, p().times(one().minus(scalar("lr").times(scalar("weight_decay")))));
            return Update.of(rule.let("d", u.value()));
        };
    }

    /**
     * Optax's {@code add_decayed_weights} as a term of its own: the update becomes
     * {@code weight_decay*p} followed by {@code u}, each scaled by later transforms and
     * subtracted in that order.
     */
    public static Transform addDecayedWeights() {
        return (u, rule) -> new Update.Sum(List.of(Update.of(p()).scaled(scalar("weight_decay")), u));
    }

    /** The update times the step size hyperparameter {@code name} (placed first in the scale). */
    public static Transform scaleByLearningRate(String name) {
        return scaleBy(scalar(name));
    }

    /** As {@link #scaleByLearningRate} with the step size multiplying from the right ({@code u*lr}), as gdtuo writes SGD. */
    public static Transform scaleByLearningRateFromRight(String name) {
        return (u, rule) -> {
            if (!(u instanceof Update.Term term)) {
                throw new IllegalArgumentException("A step size from the right needs a single update term, got " + u);
            }
            return term.scaledFromRight().scaled(scalar(name));
        };
    }

    /** The update times the uniform {@code factor}. */
    public static Transform scaleBy(Expr factor) {
        return (u, rule) -> u.scaled(factor);
    }

    /** torch Adagrad's {@code lr_decay}: the update divided by {@code 1 + (t - 1)*lr_decay}. */
    public static Transform scaleByInverseTimeDecay() {
        return (u, rule) -> u.dividedBy(one().plus(t().minus(1).times(scalar("lr_decay"))));
    }

    /**
     * torch SGD's momentum buffer ({@code buf}): {@code buf = u} on the first step or when
     * momentum = 0, else {@code momentum*buf + (1 - dampening)*u}; the update is {@code buf}, or
     * {@code u + momentum*buf} with Nesterov momentum.
     */
    public static Transform trace(boolean nesterov) {
        return (u, rule) -> {
            Expr d = u.value();
            Expr momentum = scalar("momentum");
            Expr buf = rule.state("buf", zero());
            Expr accumulate = t().gt(one()).times(momentum.gt(zero()));
            rule.store("buf", Expr.select(accumulate, momentum.times(buf).plus(scalar("dampening").oneMinus().times(d)), d));
            return Update.of(nesterov ? d.plus(momentum.times(buf)) : buf);
        };
    }

    /** Heavy-ball momentum {@code buf = momentum*buf + u} (from 0, no first-step rule); the update {@code buf}. */
    public static Transform heavyBall() {
        return (u, rule) -> {
            Expr buf = rule.state("buf", zero());
            return Update.of(rule.store("buf", scalar("momentum").times(buf).plus(u.value())));
        };
    }

    /**
     * torch RMSprop's momentum, active where {@code momentum > 0}: {@code buf = momentum*buf + u}
     * and the update {@code buf}; else {@code buf = 0} and the update {@code u} as it came.
     */
    public static Transform traceIfMomentum() {
        return (u, rule) -> {
            Expr momentum = scalar("momentum");
            Expr active = momentum.gt(zero());
            Expr buf = rule.state("buf", zero());
            rule.store("buf", Expr.select(active, momentum.times(buf).plus(u.value()), zero()));
            return Update.choice(active, Update.of(buf), u);
        };
    }

    /**
     * Adagrad's root of the sum of squares: {@code sum = sum + u*u} (from
     * {@code initial_accumulator_value}); the update {@code u/(sqrt(sum) + eps)}.
     */
    public static Transform scaleByRss() {
        return (u, rule) -> {
            Expr d = u.value();
            Expr sum = rule.state("sum", scalar("initial_accumulator_value"));
            rule.store("sum", sum.plus(d.times(d)));
            return Update.fraction(d, sum.sqrt().plus(scalar("eps")));
        };
    }

    /**
     * RMSprop's scaling: {@code square_avg = alpha*square_avg + (1 - alpha)*u*u}, centered also
     * {@code grad_avg = alpha*grad_avg + (1 - alpha)*u}; the update
     * {@code u/(sqrt(square_avg [- grad_avg^2]) + eps)}.
     */
    public static Transform scaleByRms(boolean centered) {
        return (u, rule) -> {
            Expr d = u.value();
            rule.state("square_avg", zero());
            Expr variance = rule.store("square_avg", emaSquare("square_avg", "alpha", d));
            if (centered) {
                rule.state("grad_avg", zero());
                Expr mean = rule.store("grad_avg", ema("grad_avg", "alpha", d));
                variance = variance.minus(mean.times(mean));
            }
            return Update.fraction(d, rule.let("avg", variance.sqrt().plus(scalar("eps"))));
        };
    }

    /**
     * The second-moment scaling of Schedule-Free AdamW's reference: {@code v = beta2*v + (1 - beta2)*u*u}
     * and the update {@code u/(sqrt(v) + eps)}, later scales multiplying the quotient.
     */
    public static Transform scaleBySecondMoment() {
        return (u, rule) -> {
            Expr d = u.value();
            rule.state("v", zero());
            Expr v = rule.store("v", emaSquare("v", "beta2", d));
            return Update.of(d.div(v.sqrt().plus(scalar("eps"))));
        };
    }

    /** Adam's moments {@code m = beta1*m + (1 - beta1)*u}, {@code v = beta2*v + (1 - beta2)*u*u}; returns v. */
    private static Expr moments(Expr d, RuleBuilder rule) {
        rule.state("m", zero());
        rule.state("v", zero());
        rule.store("m", ema("m", "beta1", d));
        return rule.store("v", emaSquare("v", "beta2", d));
    }

    /**
     * Adam's scaling (torch.optim.Adam): the moments m and v (with {@code amsgrad} also
     * {@code vmax = max(vmax, v)}, used in v's place); the update
     * {@code m/(1 - beta1^t) / (sqrt(v)*(1/sqrt(1 - beta2^t)) + eps)}, the bias correction of m
     * in the scale. torch divides sqrt(v) by sqrt(1 - beta2^t); multiplying by the hoisted
     * reciprocal leaves one division per element (results differ from torch's by rounding only).
     */
    public static Transform scaleByAdam(boolean amsgrad) {
        return (u, rule) -> {
            Expr second = moments(u.value(), rule);
            if (amsgrad) {
                rule.state("vmax", zero());
                second = rule.store("vmax", buffer("vmax").max(second));
            }
            Expr denominator = second.sqrt().times(one().div(biasCorrection("beta2").sqrt())).plus(scalar("eps"));
            return Update.fraction(buffer("m"), denominator).dividedBy(biasCorrection("beta1"));
        };
    }

    /** Adamax's scaling: {@code m} as Adam's, {@code u_max = max(beta2*u_max, |u| + eps)}; the update {@code m/(1 - beta1^t) / u_max}. */
    public static Transform scaleByAdamax() {
        return (u, rule) -> {
            Expr d = u.value();
            rule.state("m", zero());
            rule.state("u", zero());
            rule.store("m", ema("m", "beta1", d));
            Expr norm = rule.store("u", scalar("beta2").times(buffer("u")).max(d.abs().plus(scalar("eps"))));
            return Update.fraction(buffer("m"), norm).dividedBy(biasCorrection("beta1"));
        };
    }

    /** NAdam's momentum schedule {@code mu_step = beta1*(1 - 0.5*0.96^(step*momentum_decay))}. */
    private static Expr mu(Expr step) {
        return scalar("beta1").times(one().minus(Expr.constant(0.5)
                .times(Expr.constant(0.96).pow(step.times(scalar("momentum_decay"))))));
    }

    /**
     * NAdam's scaling (torch.optim.NAdam): Adam's moments, {@code denom = sqrt(v/(1 - beta2^t)) + eps},
     * the host scalar state {@code mu_product} and two terms,
     * {@code (1 - mu_t)/(1 - mu_product*mu_t) * u/denom} and
     * {@code mu_(t+1)/(1 - mu_product*mu_t*mu_(t+1)) * m/denom}; with {@code torch113} the second
     * correction counts mu_t twice, as torch 1.13.
     */
    public static Transform scaleByNadam(boolean torch113) {
        return (u, rule) -> {
            Expr d = u.value();
            moments(d, rule);
            Expr denom = rule.let("denom", buffer("v").div(biasCorrection("beta2")).sqrt().plus(scalar("eps")));
            Expr mu = mu(t());
            Expr muNext = mu(t().plus(1));
            Expr product = scalar("mu_product").times(mu);
            rule.scalarState("mu_product", 1.0, product);
            Expr nextProduct = torch113 ? product.times(mu).times(muNext) : product.times(muNext);
            return new Update.Sum(List.of(
                    Update.fraction(d, denom).scaled(mu.oneMinus()).dividedBy(product.oneMinus()),
                    Update.fraction(buffer("m"), denom).scaled(muNext).dividedBy(nextProduct.oneMinus())));
        };
    }

    /**
     * RAdam's rectified scaling (torch.optim.RAdam): Adam's moments, {@code mhat = m/(1 - beta1^t)},
     * {@code rho_inf = 2/(1 - beta2) - 1}, {@code rho_t = rho_inf - 2*t*beta2^t/(1 - beta2^t)}; where
     * {@code rho_t > 5} the update {@code mhat*sqrt(1 - beta2^t)/(sqrt(v) + eps)*rect} with
     * {@code rect = sqrt((rho_t - 4)(rho_t - 2)rho_inf / ((rho_inf - 4)(rho_inf - 2)rho_t))}, else
     * {@code mhat}; torch multiplies the step size from the right.
     */
    public static Transform scaleByRadam() {
        return (u, rule) -> {
            moments(u.value(), rule);
            Expr rhoInf = Expr.constant(2).div(scalar("beta2").oneMinus()).minus(1);
            Expr rhoT = rhoInf.minus(Expr.constant(2).times(t()).times(scalar("beta2").pow(t())).div(biasCorrection("beta2")));
            Expr rectified = rhoT.gt(Expr.constant(5));
            Expr rect = Expr.select(rectified, rhoT.minus(4).times(rhoT.minus(2)).times(rhoInf)
                    .div(rhoInf.minus(4).times(rhoInf.minus(2)).times(rhoT)).sqrt(), zero());
            Expr adaptive = biasCorrection("beta2").sqrt().div(buffer("v").sqrt().plus(scalar("eps")));
            Update.Term mhat = ((Update.Term) Update.of(rule.let("mhat", buffer("m").div(biasCorrection("beta1")))))
                    .scaledFromRight();
            return Update.choice(rectified, mhat.times(adaptive).times(rect), mhat);
        };
    }

    /**
     * Adadelta's scaling: {@code square_avg = rho*square_avg + (1 - rho)*u*u},
     * {@code delta = sqrt(acc_delta + eps)/sqrt(square_avg + eps)*u} (old acc_delta),
     * {@code acc_delta = rho*acc_delta + (1 - rho)*delta*delta}; the update {@code delta}.
     */
    public static Transform scaleByAdadelta() {
        return (u, rule) -> {
            Expr d = u.value();
            Expr eps = scalar("eps");
            rule.state("square_avg", zero());
            rule.state("acc_delta", zero());
            rule.store("square_avg", emaSquare("square_avg", "rho", d));
            Expr delta = rule.let("delta", buffer("acc_delta").plus(eps).sqrt().div(buffer("square_avg").plus(eps).sqrt()).times(d));
            rule.store("acc_delta", emaSquare("acc_delta", "rho", delta));
            return Update.of(delta);
        };
    }

    /**
     * The Lion family's scaling: the update {@code direction(c)} of the interpolation
     * {@code c = beta1*m + (1 - beta1)*u}; after the step {@code m = beta2*m + (1 - beta2)*u}.
     *
     * @param direction sign for Lion, a smooth surrogate for Roaree
     */
    public static Transform scaleBySign(UnaryOperator<Expr> direction) {
        return (u, rule) -> {
            Expr g = u.value();
            rule.state("m", zero());
            Expr c = rule.let("c", ema("m", "beta1", g));
            rule.afterStep(r -> r.store("m", ema("m", "beta2", g)));
            return Update.of(direction.apply(c));
        };
    }
}
