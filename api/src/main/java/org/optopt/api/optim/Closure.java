package org.optopt.api.optim;

import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The loss re-evaluated on demand, as torch's {@code optimizer.step(closure)}: what an optimizer
 * that looks along its direction (a line search, SafeRate, L-BFGS) needs beyond one gradient. It
 * is passed to {@link Optimizer#step(Closure)}; on entry every parameter's gradient already holds
 * the gradient of the closure's loss at the current parameter values.
 *
 * <p>{@link #evaluate()} recomputes the loss at the current parameter values and overwrites every
 * gradient. {@link #lineBound} bounds the loss along a direction over a whole interval of steps;
 * only deterministic (full-batch) losses with an interval Taylor enclosure provide it.
 */
public interface Closure {

    /** Recomputes the loss at the current parameter values and overwrites every parameter's gradient. */
    double evaluate();

    /**
     * A degree-2 enclosure of {@code eta -> f(x + eta*d)} on {@code [0, maxStep]} at the current
     * parameters {@code x}; parameters and gradients are left unchanged.
     *
     * @param direction {@code d} per parameter name, in the parameter's element order; a parameter
     *     that is absent does not move
     * @param maxStep the right end of the trust region, positive
     * @throws UnsupportedOperationException naming why this loss has no such bound (for example a
     *     mini-batch estimate, which is a different function at every step)
     */
    default LineBound lineBound(Map<String, float[]> direction, double maxStep) {
        throw new UnsupportedOperationException("this loss has no interval Taylor enclosure");
    }

    /** A closure without a line bound; {@link #lineBound} fails with {@code whyNoBound}. */
    static Closure of(DoubleSupplier evaluate, String whyNoBound) {
        return of(evaluate, (direction, maxStep) -> {
            throw new UnsupportedOperationException(whyNoBound);
        });
    }

    /** Computes a {@link LineBound}; the second argument of {@link #of(DoubleSupplier, Bounder)}. */
    @FunctionalInterface
    interface Bounder {
        /** The bound of {@link Closure#lineBound}. */
        LineBound lineBound(Map<String, float[]> direction, double maxStep);
    }

    /** A closure whose line bound comes from {@code bounder}. */
    static Closure of(DoubleSupplier evaluate, Bounder bounder) {
        return new Closure() {
            @Override
            public double evaluate() {
                return evaluate.getAsDouble();
            }

            @Override
            public LineBound lineBound(Map<String, float[]> direction, double maxStep) {
                return bounder.lineBound(direction, maxStep);
            }
        };
    }
}
