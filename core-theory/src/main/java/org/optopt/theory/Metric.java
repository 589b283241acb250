package org.optopt.theory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Metric (ellipsoidal trust-region) budget {@code E[u^T P u] = tr(Q P Q Sigma) <= c^2} for the update
 * u = Q g and a user's metric P ≻ 0. P = I recovers normalized SGD; P = the Fisher matrix the
 * natural gradient; P = A (x) G K-FAC; P = diag(sqrt(v) + eps) Adam's direction with a global scale.
 *
 * <p><b>Theorem.</b> max { &lt;Q, Sigma&gt; : Q ⪰ 0, tr(Q P Q Sigma) &lt;= c^2 } =
 * c sqrt(tr(P^-1 Sigma)), attained at Q* = c P^-1 / sqrt(tr(P^-1 Sigma)); the implied learning rate
 * along P^-1 g is c / sqrt(E[g^T P^-1 g]).
 * <br><b>Proof sketch.</b> With X = P^(1/2) Q, &lt;Q, Sigma&gt; = &lt;X Sigma^(1/2), P^(-1/2) Sigma^(1/2)&gt;
 * &lt;= ||X Sigma^(1/2)||_F ||P^(-1/2) Sigma^(1/2)||_F = sqrt(tr(QPQ Sigma)) sqrt(tr(P^-1 Sigma)) by
 * Cauchy-Schwarz, with equality at X ∝ P^(-1/2), i.e. Q ∝ P^-1, which is PSD. (Stationarity
 * Sigma = lambda (P Q Sigma + Sigma Q P) is solved by Q = alpha P^-1 for every Sigma: the geometry
 * comes from P, Sigma only sets the step length.)
 *
 * <p>A damping gamma &gt;= 0 replaces P by P + gamma I ({@link KroneckerMetric} solves the
 * Kronecker-factored P = A (x) G factor by factor, with K-FAC's damping). P^-1 comes from a
 * Cholesky factorization (no eigendecomposition); a P whose factorization fails or has a squared
 * pivot at most 1e-12 times its largest diagonal entry after damping is refused as singular (the
 * factorization of that check is the one the design inverts).
 *
 * @param radius c &gt; 0
 * @param metric P ≻ 0 (damped)
 * @param recovers the optimizer name: {@code normalized-sgd}, {@code natural-gradient} or {@code k-fac}
 */
public record Metric(double radius, SecondMoment metric, String recovers) implements Budget {
    /** Checks the radius and that P is nonsingular. */
    public Metric {
        Budget.requirePositive("radius", radius);
        if (!metric.nonsingularShifted(0)) {
            throw new IllegalArgumentException("the metric is singular (smallest eigenvalue "
                    + metric.eigenvalues()[metric.dimension() - 1] + ", largest " + metric.eigenvalues()[0]
                    + "); give a positive damping");
        }
    }

    /**
     * The metric budget for P + damping I; recovers normalized SGD when P + damping I is a multiple
     * of I, else the natural gradient.
     */
    public static Metric of(double radius, SecondMoment p, double damping) {
        requireDamping(damping);
        DMatrixRMaj damped = p.matrix();
        for (int i = 0; i < damped.numRows; i++) {
            damped.add(i, i, damping);
        }
        SecondMoment metric = SecondMoment.of("metric", damped);
        return new Metric(radius, metric, isScaledIdentity(metric) ? "normalized-sgd" : "natural-gradient");
    }

    static void requireDamping(double damping) {
        if (!(damping >= 0) || !Double.isFinite(damping)) {
            throw new IllegalArgumentException("damping must be non-negative and finite, got " + damping);
        }
    }

    private static boolean isScaledIdentity(SecondMoment p) {
        double largest = 0;
        for (int i = 0; i < p.dimension(); i++) {
            largest = Math.max(largest, Math.abs(p.get(i, i)));
        }
        for (int i = 0; i < p.dimension(); i++) {
            for (int j = 0; j < p.dimension(); j++) {
                double target = i == j ? largest : 0;
                if (Math.abs(p.get(i, j) - target) > 1e-12 * largest) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "metric";
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        requireDimension(sigma);
        DMatrixRMaj inverse = metric.shiftedInverse(0);
        double norm = Math.sqrt(Linalg.inner(inverse, sigma.matrix()));
        return Optional.of(Design.closedForm(this, Linalg.scale(radius / norm, inverse), radius * norm, recovers,
                Map.of("lr", radius / norm)));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        requireDimension(sigma);
        DMatrixRMaj p = metric.matrix();
        DMatrixRMaj s = sigma.matrix();
        return List.of(new Constraint.Quadratic(
                q -> {
                    DMatrixRMaj pqs = Linalg.mult(Linalg.mult(p, q), s);
                    DMatrixRMaj out = pqs.copy();
                    org.ejml.dense.row.CommonOps_DDRM.addEquals(out, org.ejml.dense.row.CommonOps_DDRM.transpose(pqs, null));
                    return out;
                },
                new DMatrixRMaj(s.numRows, s.numRows), radius * radius));
    }

    private void requireDimension(SecondMoment sigma) {
        if (sigma.dimension() != metric.dimension()) {
            throw new IllegalArgumentException("dimension mismatch: the metric is " + metric.dimension() + "x"
                    + metric.dimension() + " but sigma is " + sigma.dimension() + "x" + sigma.dimension());
        }
    }
}
