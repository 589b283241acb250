package org.optopt.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Step sizes implied by gradient statistics (SEEDS.md A.3).
 *
 * <p><b>Quadratic model.</b> A step theta+ = theta + eta Q g^ with a noisy gradient g^ = gbar + xi,
 * Cov xi = C, on a loss with Hessian H lowers the loss in expectation by
 * D(eta) = eta gbar^T Q gbar - (eta^2/2) tr(Q H Q Sigma), Sigma = gbar gbar^T + C. D is a concave
 * parabola in eta, maximized at <b>eta* = gbar^T Q gbar / tr(Q H Q Sigma)</b> with
 * D* = (gbar^T Q gbar)^2 / (2 tr(Q H Q Sigma)). (Q = I: eta* = |gbar|^2 / (gbar^T H gbar + tr(H C));
 * Q = H^-1 without noise: eta* = 1, Newton.)
 *
 * <p><b>Budget radius.</b> Under the {@link Metric} budget with metric P the optimal update is
 * eta P^-1 g with <b>eta = c / sqrt(E[g^T P^-1 g]) = c / sqrt(tr(P^-1 Sigma))</b>; for P = I,
 * eta = c / sqrt(E|g|^2).
 *
 * @param eta the step size
 * @param expectedDrop the expected loss decrease at eta (NaN for the radius rule, which has no loss model)
 */
public record StepSize(double eta, double expectedDrop) {

    /**
     * eta* and D* under the quadratic model.
     *
     * @param q the preconditioner Q (d x d, PSD)
     * @param meanGradient gbar (d)
     * @param hessian H (d x d, symmetric)
     * @param noiseCovariance C (d x d, PSD)
     * @throws IllegalArgumentException on mismatched dimensions, or if tr(Q H Q Sigma) &lt;= 0 (no
     *     curvature along the step: the model has no finite optimum)
     */
    public static StepSize quadraticModel(DMatrixRMaj q, double[] meanGradient, DMatrixRMaj hessian,
            DMatrixRMaj noiseCovariance) {
        int d = meanGradient.length;
        for (DMatrixRMaj m : new DMatrixRMaj[] {q, hessian, noiseCovariance}) {
            if (m.numRows != d || m.numCols != d) {
                throw new IllegalArgumentException("dimension mismatch: a " + m.numRows + "x" + m.numCols
                        + " matrix for a gradient of dimension " + d);
            }
        }
        DMatrixRMaj g = new DMatrixRMaj(d, 1, true, meanGradient);
        DMatrixRMaj sigma = noiseCovariance.copy();
        CommonOps_DDRM.multAddTransB(g, g, sigma);
        double signal = Linalg.inner(g, Linalg.mult(q, g));
        double curvature = CommonOps_DDRM.trace(Linalg.mult(Linalg.mult(Linalg.mult(q, hessian), q), sigma));
        if (!(curvature > 0)) {
            throw new IllegalArgumentException("tr(Q H Q Sigma) = " + curvature + " <= 0: no finite optimal step");
        }
        return new StepSize(signal / curvature, signal * signal / (2 * curvature));
    }

    /**
     * eta* and D* under the quadratic model with Q = I and an isotropic curvature H = h I: then
     * gbar^T Q gbar = |gbar|^2 and tr(Q H Q Sigma) = h tr(Sigma) = h E|g|^2, so
     * <b>eta* = |gbar|^2 / (h E|g|^2)</b> and D* = |gbar|^4 / (2 h E|g|^2). This is what a streaming
     * probe can supply without d x d matrices: h measured along the optimizer's moves, |gbar|^2 and
     * E|g|^2 from gradient autocorrelations.
     *
     * @param meanGradientSqNorm |gbar|^2
     * @param curvature h
     * @param meanSquaredNorm E|g|^2 = |gbar|^2 + tr(C)
     * @throws IllegalArgumentException if h E|g|^2 &lt;= 0 (no finite optimal step) or |gbar|^2 &lt; 0
     */
    public static StepSize isotropic(double meanGradientSqNorm, double curvature, double meanSquaredNorm) {
        if (!(meanGradientSqNorm >= 0)) {
            throw new IllegalArgumentException("|gbar|^2 = " + meanGradientSqNorm + " must be non-negative");
        }
        double denominator = curvature * meanSquaredNorm;
        if (!(denominator > 0)) {
            throw new IllegalArgumentException("h E|g|^2 = " + denominator + " <= 0: no finite optimal step");
        }
        return new StepSize(meanGradientSqNorm / denominator,
                meanGradientSqNorm * meanGradientSqNorm / (2 * denominator));
    }

    /**
     * {@link #isotropic} with |gbar|^2 estimated from gradient autocorrelations along a noisy
     * trajectory: R(0) = E|g_t|^2 and R(1) = E[g_t . g_(t-1)] where each move took {@code a} times
     * the previous gradient (plus terms independent of its noise, such as a momentum buffer).
     * <br><b>Derivation.</b> With g_t = gbar_t + xi_t, independent noise of covariance C and
     * H = h I, the move p_t - p_(t-1) = -a g_(t-1) + ... carries -a xi_(t-1), so gbar_t = gbar_(t-1) -
     * h a xi_(t-1) + ... and E[g_t . g_(t-1)] = |gbar|^2 - h a tr(C) (gbar changing little in one
     * step otherwise): R(1) under-estimates |gbar|^2, by up to all of it when noise dominates. With
     * tr(C) = R(0) - |gbar|^2 this solves to <b>|gbar|^2 = (R(1) + h a R(0)) / (1 + h a)</b>, and
     * eta* = |gbar|^2 / (h R(0)). With a = 0 it is {@link #isotropic}(R(1), h, R(0)).
     *
     * @param r0 R(0) &gt; 0
     * @param r1 R(1)
     * @param curvature h &gt; 0
     * @param noiseStep a &gt;= 0
     * @throws IllegalArgumentException if h R(0) &lt;= 0, a &lt; 0, or the estimated |gbar|^2 is negative
     *     (no measurable mean gradient: no positive step helps in expectation)
     */
    public static StepSize isotropicFromAutocorrelation(double r0, double r1, double curvature, double noiseStep) {
        if (!(noiseStep >= 0)) {
            throw new IllegalArgumentException("the step's coefficient on the gradient must be >= 0, got " + noiseStep);
        }
        double ha = curvature * noiseStep;
        return isotropic((r1 + ha * r0) / (1 + ha), curvature, r0);
    }

    /**
     * The learning rate of heavy-ball momentum in greedy's normalization, {@code buf = m buf + g;
     * p = p - lr sqrt(1 - m^2) buf}, whose long-run step equals the plain step {@code eta}:
     * <b>lr = eta sqrt((1 - m) / (1 + m))</b>.
     * <br><b>Derivation.</b> Along a direction where the gradient stays about the same (the mean
     * gradient, over the 1/(1 - m) steps the buffer remembers), buf tends to g / (1 - m), so a step
     * moves lr sqrt(1 - m^2) / (1 - m) g = lr sqrt((1 + m) / (1 - m)) g: the effective step is
     * lr sqrt((1 + m)/(1 - m)), and setting it to the quadratic model's eta* gives the rule. (Plain
     * heavy ball, p = p - lr buf, has the effective step lr / (1 - m).) Along a direction of
     * curvature lambda, heavy ball with step a = lr sqrt(1 - m^2) is stable for a lambda &lt;
     * 2 (1 + m); with this rule a lambda = eta lambda (1 - m) &lt; 2 (1 + m) whenever eta lambda
     * &lt; 2 (1 + m) / (1 - m), a weaker condition than plain SGD's eta lambda &lt; 2: an eta* that
     * is stable without momentum stays stable with it.
     *
     * @throws IllegalArgumentException unless 0 &lt;= m &lt; 1
     */
    public static double heavyBallRate(double eta, double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        return eta * Math.sqrt((1 - momentum) / (1 + momentum));
    }

    /**
     * eta = c / sqrt(tr(P^-1 Sigma)), the metric budget's learning rate.
     *
     * @throws IllegalArgumentException if the dimensions differ
     */
    public static StepSize fromRadius(double radius, SecondMoment sigma, SecondMoment metric) {
        Metric budget = Metric.of(radius, metric, 0);
        return new StepSize(budget.closedForm(sigma).orElseThrow().hyperparameters().get("lr"), Double.NaN);
    }

    /** eta = c / sqrt(E|g|^2), the learning rate of the metric budget with P = I. */
    public static StepSize fromRadius(double radius, double meanSquaredNorm) {
        Budget.requirePositive("radius", radius);
        Budget.requirePositive("E|g|^2", meanSquaredNorm);
        return new StepSize(radius / Math.sqrt(meanSquaredNorm), Double.NaN);
    }
}
