package org.optopt.api.optim;

import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.UnaryOp;

/**
 * A smooth map {@code h = f(x)} from an unconstrained raw value {@code x} onto a hyperparameter's
 * domain, so that a hyper-optimizer can take gradient steps on {@code x} without leaving the
 * domain (the reparameterizations of <i>Gradient Descent: The Ultimate Optimizer</i>).
 *
 * <p>The chain rule factor for a hypergradient is {@link #derivative(double)}:
 * {@code dL/dx = dL/dh * f'(x)}. {@link #apply(Expr)} gives {@code f} in the kernel language so
 * that a tower can fold it into a kernel and differentiate through it symbolically.
 */
public enum Reparameterization {
    /** {@code h = x}; no constraint. */
    IDENTITY {
        @Override public double forward(double x) { return x; }
        @Override public double inverse(double h) { return h; }
        @Override public double derivative(double x) { return 1.0; }
        @Override public Expr apply(Expr x) { return x; }
    },
    /** {@code h = (tanh(x) + 1)/2} onto (0, 1); inverse {@code x = atanh(2h - 1)}; {@code f'(x) = 2h(1 - h)}. */
    UNIT_INTERVAL_TANH {
        @Override public double forward(double x) { return (Math.tanh(x) + 1) / 2; }
        @Override public double inverse(double h) {
            double z = 2 * h - 1;
            return 0.5 * Math.log((1 + z) / (1 - z));
        }
        @Override public double derivative(double x) {
            double h = forward(x);
            return 2 * h * (1 - h);
        }
        @Override public Expr apply(Expr x) { return x.apply(UnaryOp.TANH).plus(1).div(2); }
    },
    /** {@code h = softplus(x) = log(1 + e^x)} onto (0, inf); inverse {@code x = log(e^h - 1)}; {@code f'(x) = sigmoid(x)}. */
    POSITIVE_SOFTPLUS {
        @Override public double forward(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
        @Override public double inverse(double h) { return h > 30 ? h + Math.log1p(-Math.exp(-h)) : Math.log(Math.expm1(h)); }
        @Override public double derivative(double x) { return 1 / (1 + Math.exp(-x)); }
        @Override public Expr apply(Expr x) { return x.apply(UnaryOp.SOFTPLUS); }
    },
    /** {@code h = x^2} onto [0, inf); inverse {@code x = sqrt(h)}; {@code f'(x) = 2x}. */
    POSITIVE_SQUARE {
        @Override public double forward(double x) { return x * x; }
        @Override public double inverse(double h) { return Math.sqrt(h); }
        @Override public double derivative(double x) { return 2 * x; }
        @Override public Expr apply(Expr x) { return x.square(); }
    };

    /** The hyperparameter value {@code h = f(x)} of raw value {@code x}. */
    public abstract double forward(double x);

    /** The raw value {@code x} with {@code f(x) = h}; {@code h} must lie in the image of {@code f}. */
    public abstract double inverse(double h);

    /** {@code f'(x)}. */
    public abstract double derivative(double x);

    /** {@code f(x)} as a kernel expression over the raw value {@code x}. */
    public abstract Expr apply(Expr x);
}
