package org.optopt.api.optim;

/**
 * A degree-2 Taylor enclosure of the loss along a direction: for every step {@code eta} in
 * {@code [0, maxStep]},
 * <pre>
 * value + slope*eta + curvatureLow*eta^2  &lt;=  f(x + eta*d)  &lt;=  value + slope*eta + curvatureHigh*eta^2
 * </pre>
 * where {@code value = f(x)} and {@code slope = grad f(x) . d} (AutoBound's quadratic bound with an
 * interval-valued top coefficient; Streeter and Dillon, arXiv 2212.11429).
 *
 * @param value the loss at the current parameters
 * @param slope the directional derivative at {@code eta = 0}
 * @param curvatureLow the lower end of the interval coefficient of {@code eta^2}
 * @param curvatureHigh the upper end of the interval coefficient of {@code eta^2}
 * @param maxStep the trust region's right end; the bound holds on {@code [0, maxStep]}
 */
public record LineBound(double value, double slope, double curvatureLow, double curvatureHigh, double maxStep) {

    /** The upper bound at step {@code eta}. */
    public double upper(double eta) {
        return value + slope * eta + curvatureHigh * eta * eta;
    }

    /** The lower bound at step {@code eta}. */
    public double lower(double eta) {
        return value + slope * eta + curvatureLow * eta * eta;
    }

    /**
     * The step in {@code [0, maxStep]} that minimizes the upper bound's change
     * {@code slope*eta + curvatureHigh*eta^2}: {@code clip(-slope/(2 curvatureHigh), 0, maxStep)}
     * when the curvature is positive, else the better end point (0 when they tie); NaN when the
     * bound is not finite.
     */
    public double minimizingStep() {
        if (!Double.isFinite(slope) || !Double.isFinite(curvatureHigh)) {
            return Double.NaN;
        }
        if (curvatureHigh > 0) {
            return Math.min(maxStep, Math.max(0, -slope / (2 * curvatureHigh)));
        }
        double atEnd = slope * maxStep + curvatureHigh * maxStep * maxStep;
        return atEnd < 0 ? maxStep : 0;
    }
}
