package org.optopt.tasks.autodiff;

import org.optopt.api.optim.LineBound;

/**
 * A degree-2 Taylor enclosure of a function of one scalar step {@code eta} over the trust region
 * {@code [0, maxStep]}: for every {@code eta} there,
 * <pre>
 * u(eta)  in  c0 + c1*eta + [lo, hi]*eta^2
 * </pre>
 * This is AutoBound's interval arithmetic variant of Taylor-mode differentiation (Streeter and
 * Dillon, arXiv 2212.11429) at degree 2, for a scalar input: constants and affine functions of
 * {@code eta} are exact, sums and products combine enclosures (terms of degree above 2 are bounded
 * on the trust region and folded into the interval coefficient), and an elementwise function
 * {@code sigma} composes as
 * <pre>
 * sigma(u)  in  sigma(u0) + sigma'(u0)*(u - u0) + [R]*(u - u0)^2,
 * R(x) = (sigma(x) - sigma(u0) - sigma'(u0)(x - u0)) / (x - u0)^2   over x in the range of u,
 * </pre>
 * with {@code [R]} the sharp interval {@code [min(R(a), R(b)), max(R(a), R(b))]} of the range's
 * end points {@code a, b} where {@code sigma''} is monotone on {@code [a, b]} (AutoBound's
 * theorem: R is then monotone), and else a valid wider interval stated per function. Integer
 * powers are multiplied out as polynomials first, as AutoBound does ({@link #pow}).
 * {@code R(x)} is the mean of {@code sigma''/2} under the weight {@code 2(1-t)} along the segment
 * from {@code u0} to {@code x}, so {@code [R]} always lies in half the range of {@code sigma''}.
 *
 * <p>Arithmetic is in double without outward rounding, as AutoBound's: the enclosures hold up to
 * rounding errors of the order of the machine epsilon times the magnitudes involved. Immutable.
 */
public final class StepEnclosure {
    /** Below this distance from the expansion point, remainder ratios come from a series, not a difference quotient. */
    private static final double SERIES_RADIUS = 1e-3;

    private final double c0;
    private final double c1;
    private final double lo;
    private final double hi;
    private final double maxStep;

    private StepEnclosure(double c0, double c1, double lo, double hi, double maxStep) {
        this.c0 = c0;
        this.c1 = c1;
        this.lo = lo;
        this.hi = hi;
        this.maxStep = maxStep;
    }

    /**
     * The exact enclosure of {@code value + slope*eta + curvature*eta^2}.
     *
     * @throws IllegalArgumentException if {@code maxStep} is not positive and finite
     */
    public static StepEnclosure quadratic(double value, double slope, double curvature, double maxStep) {
        if (!(maxStep > 0) || !Double.isFinite(maxStep)) {
            throw new IllegalArgumentException("Trust region [0, " + maxStep + "] needs a positive finite end");
        }
        return new StepEnclosure(value, slope, curvature, curvature, maxStep);
    }

    /** The exact enclosure of {@code value + slope*eta}. */
    public static StepEnclosure affine(double value, double slope, double maxStep) {
        return quadratic(value, slope, 0, maxStep);
    }

    /** The value at {@code eta = 0}. */
    public double value() {
        return c0;
    }

    /** The derivative at {@code eta = 0}. */
    public double slope() {
        return c1;
    }

    /** The lower end of the interval coefficient of {@code eta^2}. */
    public double curvatureLow() {
        return lo;
    }

    /** The upper end of the interval coefficient of {@code eta^2}. */
    public double curvatureHigh() {
        return hi;
    }

    /** The trust region's right end. */
    public double maxStep() {
        return maxStep;
    }

    /** This enclosure as the optimizer contract's {@link LineBound}. */
    public LineBound toLineBound() {
        return new LineBound(c0, c1, lo, hi, maxStep);
    }

    /** {@code [min, max]} of every value the enclosure admits on the trust region (interval evaluation). */
    public double[] range() {
        double[] linear = hull(c0, c0 + c1 * maxStep);
        double[] quad = mul(lo, hi, 0, maxStep * maxStep);
        return new double[] {linear[0] + quad[0], linear[1] + quad[1]};
    }

    /** The enclosure of the sum. */
    public StepEnclosure plus(StepEnclosure o) {
        requireSameRegion(o);
        return new StepEnclosure(c0 + o.c0, c1 + o.c1, lo + o.lo, hi + o.hi, maxStep);
    }

    /** The enclosure of {@code k} times this function. */
    public StepEnclosure times(double k) {
        return k >= 0 ? new StepEnclosure(k * c0, k * c1, k * lo, k * hi, maxStep)
                : new StepEnclosure(k * c0, k * c1, k * hi, k * lo, maxStep);
    }

    /**
     * The enclosure of the product: {@code a0 b0 + (a0 b1 + a1 b0) eta + eta^2 [a1 b1 + a0 B + b0 A
     * + eta (a1 B + b1 A) + eta^2 A B]}, the bracket bounded with {@code eta in [0, maxStep]}.
     */
    public StepEnclosure times(StepEnclosure o) {
        requireSameRegion(o);
        double[] top = new double[] {c1 * o.c1, c1 * o.c1};
        top = add(top, mul(c0, c0, o.lo, o.hi));
        top = add(top, mul(o.c0, o.c0, lo, hi));
        double[] cubic = add(mul(c1, c1, o.lo, o.hi), mul(o.c1, o.c1, lo, hi));
        top = add(top, mul(cubic[0], cubic[1], 0, maxStep));
        top = add(top, mul(mul(lo, hi, o.lo, o.hi), 0, maxStep * maxStep));
        return new StepEnclosure(c0 * o.c0, c0 * o.c1 + c1 * o.c0, top[0], top[1], maxStep);
    }

    /** The enclosure of the square (exact for an affine function). */
    public StepEnclosure square() {
        return times(this);
    }

    /**
     * The enclosure of {@code u^n} for an integer {@code n >= 1}, as AutoBound's integer powers:
     * the polynomial {@code (c0 + c1 eta + [lo, hi] eta^2)^n} is multiplied out with interval
     * coefficients, then every term of degree {@code k > 2} is bounded by
     * {@code coefficient_k * [0, maxStep^(k-2)]} and added to the {@code eta^2} coefficient.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public StepEnclosure pow(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("pow needs an exponent >= 1, got " + n);
        }
        double[][] base = {{c0, c0}, {c1, c1}, {lo, hi}};
        double[][] power = base;
        for (int i = 1; i < n; i++) {
            power = multiply(power, base);
        }
        double[] top = power.length > 2 ? power[2] : new double[] {0, 0};
        for (int k = 3; k < power.length; k++) {
            top = add(top, mul(power[k], 0, Math.pow(maxStep, k - 2)));
        }
        return new StepEnclosure(power[0][0], power.length > 1 ? power[1][0] : 0, top[0], top[1], maxStep);
    }

    /** The product of two polynomials with interval coefficients ({@code [degree][lo, hi]}). */
    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[a.length + b.length - 1][2];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i + j] = add(out[i + j], mul(a[i], b[j][0], b[j][1]));
            }
        }
        return out;
    }

    /**
     * The enclosure of {@code softplus(u) = log(1 + e^u)} (the logistic loss), whose
     * {@code sigma'' = s(1-s)}, {@code s} the sigmoid, is even and decreasing on {@code u >= 0}:
     * sharp end points on a range of one sign; on a range containing 0 the interval is
     * {@code [min(R(a), R(b)), max R]} with {@code max R = R(clip(-u0, a, b))}, AutoBound's sharp
     * enclosure for an even-symmetric Hessian; widened by the series error of {@link #softplusRatio}.
     */
    public StepEnclosure softplus() {
        double u0 = c0;
        double[] r = range();
        double ra = softplusRatio(u0, r[0] - u0);
        double rb = softplusRatio(u0, r[1] - u0);
        double rLo = Math.min(ra, rb);
        double rHi = Math.max(ra, rb);
        if (r[0] < 0 && r[1] > 0) {
            double peak = Math.min(r[1], Math.max(r[0], -u0));
            rHi = Math.max(rHi, softplusRatio(u0, peak - u0));
        }
        double seriesError = SERIES_RADIUS * SERIES_RADIUS / 192;
        return compose(softplus(u0), sigmoid(u0), rLo - seriesError, rHi + seriesError);
    }

    /** {@code log(1 + e^u)} without overflow. */
    public static double softplus(double u) {
        return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    }

    /** {@code 1/(1 + e^-u)} without overflow. */
    public static double sigmoid(double u) {
        return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    }

    /**
     * The remainder ratio of softplus at {@code u0 + h}; for {@code |h| <} {@value #SERIES_RADIUS}
     * the series {@code s2/2 + s3 h/6}, whose error is below {@code h^2 max|sigma''''| / 24 <= h^2/192}
     * (the caller widens the interval by that much), instead of a difference quotient that cancels.
     */
    private static double softplusRatio(double u0, double h) {
        double s = sigmoid(u0);
        if (Math.abs(h) < SERIES_RADIUS) {
            double s2 = s * (1 - s);
            double s3 = s2 * (1 - 2 * s);
            return s2 / 2 + s3 * h / 6;
        }
        return (softplus(u0 + h) - softplus(u0) - s * h) / (h * h);
    }

    /**
     * {@code sigma(u)} for {@code sigma(u0) = f0}, {@code sigma'(u0) = f1} and remainder ratio in
     * {@code [rLo, rHi]} over the range of u: {@code f0 + f1 (u - u0) + [R] (u - u0)^2}, with
     * {@code (u - u0)^2 in eta^2 [c1^2 + 2 c1 [lo, hi] [0, maxStep] + [lo, hi]^2 [0, maxStep^2]]}.
     */
    private StepEnclosure compose(double f0, double f1, double rLo, double rHi) {
        double[] d2 = new double[] {c1 * c1, c1 * c1};
        double[] cross = mul(2 * c1, 2 * c1, lo, hi);
        d2 = add(d2, mul(cross[0], cross[1], 0, maxStep));
        d2 = add(d2, mul(mul(lo, hi, lo, hi), 0, maxStep * maxStep));
        d2[0] = Math.max(0, d2[0]);
        double[] remainder = mul(rLo, rHi, d2[0], d2[1]);
        double[] linear = f1 >= 0 ? new double[] {f1 * lo, f1 * hi} : new double[] {f1 * hi, f1 * lo};
        return new StepEnclosure(f0, f1 * c1, linear[0] + remainder[0], linear[1] + remainder[1], maxStep);
    }

    private void requireSameRegion(StepEnclosure o) {
        if (o.maxStep != maxStep) {
            throw new IllegalArgumentException("Enclosures over [0, " + maxStep + "] and [0, " + o.maxStep
                    + "] cannot be combined");
        }
    }

    private static double[] hull(double a, double b) {
        return new double[] {Math.min(a, b), Math.max(a, b)};
    }

    private static double[] add(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1]};
    }

    private static double[] mul(double[] a, double blo, double bhi) {
        return mul(a[0], a[1], blo, bhi);
    }

    /** The interval product {@code [alo, ahi] * [blo, bhi]}. */
    private static double[] mul(double alo, double ahi, double blo, double bhi) {
        double p1 = alo * blo;
        double p2 = alo * bhi;
        double p3 = ahi * blo;
        double p4 = ahi * bhi;
        return new double[] {Math.min(Math.min(p1, p2), Math.min(p3, p4)), Math.max(Math.max(p1, p2), Math.max(p3, p4))};
    }

    @Override
    public String toString() {
        return c0 + " + " + c1 + "*eta + [" + lo + ", " + hi + "]*eta^2 on [0, " + maxStep + "]";
    }
}
