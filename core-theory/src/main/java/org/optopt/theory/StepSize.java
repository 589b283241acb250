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
