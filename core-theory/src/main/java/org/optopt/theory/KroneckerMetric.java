package org.optopt.theory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * The {@link Metric} budget with a Kronecker-factored metric, solved factor by factor: K-FAC. For a
 * weight W of {@code rows x cols} (g = vec(grad W) in row-major order, index i*cols + k) and factors
 * A (rows x rows) and G (cols x cols), the metric is P = A_d (x) G_d with the damped factors
 * A_d = A + sqrt(damping) I and G_d = G + sqrt(damping) I (K-FAC's factor-wise damping), and the
 * budget is {@code E[u^T P u] = tr(Q P Q Sigma) <= c^2}. Neither P nor its inverse is formed: the
 * design needs the two factor inverses only, and the update is ΔW = lr A_d^-1 grad W G_d^-1.
 * The inverses come from Cholesky factorizations, not eigendecompositions (no fractional power is
 * needed); a damped factor counts as singular where its Cholesky factorization fails or has a
 * squared pivot at most 1e-12 times its largest diagonal entry. The constructor's check and a
 * design's inverse share one factorization per factor.
 *
 * <p><b>Theorem.</b> Let tau = tr(P^-1 Sigma). Then max { &lt;Q, Sigma&gt; : Q ⪰ 0,
 * tr(Q P Q Sigma) &lt;= c^2 } = c sqrt(tau), attained at Q* = (c / sqrt(tau)) A_d^-1 (x) G_d^-1, and
 * tau = sum_ij (A_d^-1)_ij tr(G_d^-1 Sigma_ji), where Sigma_ji is the cols x cols block of Sigma in
 * block row j and block column i.
 * <br><b>Proof sketch.</b> The metric theorem ({@link Metric}) with P^-1 = (A_d (x) G_d)^-1 =
 * A_d^-1 (x) G_d^-1; the trace is the sum of the diagonal blocks of (X (x) Y) Sigma, whose block
 * (i, i) is sum_j X_ij Y Sigma_ji.
 *
 * <p><b>From factor statistics.</b> An optimizer (and a Kronecker-factor probe) knows Sigma only
 * through its partial traces L = E[G G^T] (rows x rows) and R = E[G^T G] (cols x cols), which have
 * the same trace E|g|^2. {@link #fromStatistics} then uses Sigma ~ L (x) R / tr L, the Kronecker
 * product with exactly these partial traces (exact when Sigma is a Kronecker product), for which
 * tau = tr(A_d^-1 L) tr(G_d^-1 R) / tr L. With A = L and G = R (as the {@code kfac} optimizer
 * takes them) this is K-FAC from gradient statistics: for a per-example gradient a delta^T the
 * factors are E[a a^T |delta|^2] and E[delta delta^T |a|^2], K-FAC's A and G up to the scale
 * the budget's normalization removes.
 *
 * @param radius c &gt; 0
 * @param left the factor A (rows x rows), undamped
 * @param right the factor G (cols x cols), undamped
 * @param damping gamma &gt;= 0; each damped factor must be nonsingular
 */
public record KroneckerMetric(double radius, SecondMoment left, SecondMoment right, double damping) implements Budget {
    /** Checks the radius, the damping and that the damped factors are nonsingular. */
    public KroneckerMetric {
        Budget.requirePositive("radius", radius);
        requireDamping(damping);
        for (SecondMoment f : List.of(left, right)) {
            if (!f.nonsingularShifted(Math.sqrt(damping))) {
                double[] e = f.eigenvalues();
                throw new IllegalArgumentException("the metric factor " + f.dimension() + "x" + f.dimension()
                        + " is singular (smallest eigenvalue " + e[e.length - 1] + ", largest " + e[0]
                        + "); give a positive damping");
            }
        }
    }

    /**
     * The design from the factors' inverses: the inverse damped factors, the learning rate
     * c / sqrt(tau) and the optimal value c sqrt(tau), so that the update is
     * {@code lr * leftInverse * grad W * rightInverse}.
     *
     * @param leftInverse A_d^-1 (rows x rows)
     * @param rightInverse G_d^-1 (cols x cols)
     * @param lr c / sqrt(tau)
     * @param value c sqrt(tau)
     */
    public record Factored(DMatrixRMaj leftInverse, DMatrixRMaj rightInverse, double lr, double value) {
        /** Entry (i, j) of A_d^-1 (for callers that do not use EJML's types). */
        public double leftInverse(int i, int j) {
            return leftInverse.get(i, j);
        }

        /** Entry (i, j) of G_d^-1. */
        public double rightInverse(int i, int j) {
            return rightInverse.get(i, j);
        }
    }

    @Override
    public String name() {
        return "metric";
    }

    /** The weight's rows (A's size). */
    public int rows() {
        return left.dimension();
    }

    /** The weight's columns (G's size). */
    public int cols() {
        return right.dimension();
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        requireShape(sigma);
        DMatrixRMaj ai = damped(left, damping);
        DMatrixRMaj gi = damped(right, damping);
        int r = rows();
        int n = cols();
        double tau = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double blockTrace = 0; // tr(G_d^-1 Sigma_ji)
                for (int k = 0; k < n; k++) {
                    for (int l = 0; l < n; l++) {
                        blockTrace += gi.get(k, l) * sigma.get(j * n + l, i * n + k);
                    }
                }
                tau += ai.get(i, j) * blockTrace;
            }
        }
        Factored f = factored(ai, gi, tau);
        return Optional.of(Design.closedForm(this, Linalg.scale(f.lr(), Linalg.kron(ai, gi)), f.value(), "k-fac",
                hyperparameters(f)));
    }

    /**
     * The design when Sigma is known only through its Kronecker factors L = E[G G^T] and
     * R = E[G^T G] (Sigma ~ L (x) R / tr L, see the class documentation).
     *
     * @throws IllegalArgumentException if the statistics' sizes differ from the factors'
     */
    public Factored fromStatistics(SecondMoment l, SecondMoment r) {
        if (l.dimension() != rows() || r.dimension() != cols()) {
            throw new IllegalArgumentException("dimension mismatch: statistics " + l.dimension() + "x" + l.dimension()
                    + " and " + r.dimension() + "x" + r.dimension() + " for metric factors " + rows() + "x" + rows()
                    + " and " + cols() + "x" + cols());
        }
        DMatrixRMaj ai = damped(left, damping);
        DMatrixRMaj gi = damped(right, damping);
        double tau = Linalg.inner(ai, l.matrix()) * Linalg.inner(gi, r.matrix()) / l.trace();
        return factored(ai, gi, tau);
    }

    /**
     * K-FAC from gradient statistics alone: the design of the budget whose factors are the
     * statistics themselves, scaled to mean eigenvalue 1 and damped with the mean kept at 1,
     * A = (rows L / tr L + sqrt(damping) I) / (1 + sqrt(damping)) and likewise B from R (no further
     * damping), with Sigma ~ L (x) R / tr L ({@link #fromStatistics}). The damping is thus relative
     * to the factors' scale, and P = I when both statistics are multiples of I, for any damping: the
     * radius is then the update's Euclidean length, as for normalized SGD.
     *
     * @param radius c &gt; 0
     * @param l L = E[G G^T]
     * @param r R = E[G^T G]
     * @param damping gamma &gt;= 0, relative to the normalized factors
     * @throws IllegalArgumentException if a damped factor is singular
     */
    public static Factored fromGradientStatistics(double radius, SecondMoment l, SecondMoment r, double damping) {
        return ofGradientStatistics(radius, l, r, damping).fromStatistics(l, r);
    }

    /**
     * The budget of {@link #fromGradientStatistics}: factors rows L / tr L and cols R / tr R, damped
     * with their mean kept at 1.
     *
     * @throws IllegalArgumentException if the radius or damping is bad
     */
    public static KroneckerMetric ofGradientStatistics(double radius, SecondMoment l, SecondMoment r, double damping) {
        requireDamping(damping);
        double root = Math.sqrt(damping);
        return new KroneckerMetric(radius, l.scaled(l.dimension() / l.trace() / (1 + root), root / (1 + root)),
                r.scaled(r.dimension() / r.trace() / (1 + root), root / (1 + root)), 0);
    }

    /**
     * {@link #fromStatistics} as a {@link Design} with the dense Q* = lr A^-1 (x) G^-1 (d^2 entries:
     * for small weights).
     */
    public Design designFromStatistics(SecondMoment l, SecondMoment r) {
        Factored f = fromStatistics(l, r);
        return Design.closedForm(this, Linalg.scale(f.lr(), Linalg.kron(f.leftInverse(), f.rightInverse())), f.value(),
                "k-fac", hyperparameters(f));
    }

    /** The hyperparameters of a design: {@code lr}, the factor sizes and the damping. */
    public Map<String, Double> hyperparameters(Factored f) {
        Map<String, Double> hyper = new LinkedHashMap<>();
        hyper.put("lr", f.lr());
        hyper.put("left_factor_size", (double) rows());
        hyper.put("right_factor_size", (double) cols());
        hyper.put("damping", damping);
        return hyper;
    }

    private Factored factored(DMatrixRMaj ai, DMatrixRMaj gi, double tau) {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("tr(P^-1 Sigma) = " + tau + ": sigma is zero");
        }
        return new Factored(ai, gi, radius / Math.sqrt(tau), radius * Math.sqrt(tau));
    }

    private static void requireDamping(double damping) {
        Metric.requireDamping(damping);
    }

    /**
     * (F + sqrt(damping) I)^-1 by a Cholesky factorization (the design needs the inverse only, no
     * fractional power, so no eigendecomposition): the one the constructor's check made, kept by
     * {@link SecondMoment#shiftedInverse}; null where the damped factor is singular.
     */
    private static DMatrixRMaj damped(SecondMoment f, double damping) {
        return f.shiftedInverse(Math.sqrt(damping));
    }

    /** F + sqrt(damping) I. */
    private static DMatrixRMaj plusIdentity(SecondMoment f, double damping) {
        DMatrixRMaj m = f.matrix();
        double root = Math.sqrt(damping);
        for (int i = 0; i < m.numRows; i++) {
            m.add(i, i, root);
        }
        return m;
    }

    /** The dense metric budget P = A_d (x) G_d: the same problem, for the numeric solver. */
    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        requireShape(sigma);
        SecondMoment p = SecondMoment.of("metric", Linalg.kron(plusIdentity(left, damping), plusIdentity(right, damping)));
        return new Metric(radius, p, "k-fac").constraints(sigma);
    }

    private void requireShape(SecondMoment sigma) {
        if (sigma.dimension() != rows() * cols()) {
            throw new IllegalArgumentException("dimension mismatch: the metric is (" + rows() + "x" + rows() + ") (x) ("
                    + cols() + "x" + cols() + "), d = " + rows() * cols() + ", but sigma is " + sigma.dimension() + "x"
                    + sigma.dimension());
        }
    }
}
