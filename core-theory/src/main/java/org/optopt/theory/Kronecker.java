package org.optopt.theory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Kronecker surrogate of the {@link UpdateSecondMoment} budget for a matrix weight W of
 * {@code rows x cols} with gradient G; recovers Shampoo, ΔW = c L^(-1/4) G R^(-1/4).
 *
 * <p>Sigma is the second moment of g = vec(G) in row-major order (index i*cols + k), so d = rows*cols.
 * Its Kronecker factors are the partial traces L = E[G G^T] (rows x rows, L_ij = sum_k
 * Sigma_(ik),(jk)) and R = E[G^T G] (cols x cols, R_kl = sum_i Sigma_(ik),(il)).
 *
 * <p><b>Theorem.</b> Let M = L^(1/2) (x) R^(1/2). Then max { &lt;Q, M&gt; : Q ⪰ 0, Q M Q ⪯ c^2 I } =
 * c tr M^(1/2) = c tr L^(1/4) tr R^(1/4), attained at Q* = c M^(-1/2) = c L^(-1/4) (x) R^(-1/4), i.e.
 * ΔW = c L^(-1/4) G R^(-1/4) (row-major vec: vec(A G B) = (A (x) B^T) vec G).
 * <br><b>Proof sketch.</b> Gupta et al. (2018): for G of rank at most r, g g^T ⪯ r (G G^T)^(1/2) (x)
 * (G^T G)^(1/2), and Ando's inequality carries this through expectations, so Sigma ⪯ r M. The
 * surrogate problem is the update-second-moment problem with M in place of Sigma; its optimum
 * c M^(-1/2) is feasible for the true budget after scaling c by 1/sqrt(r). The reported value is
 * the true objective E[g^T Q* g] = &lt;Q*, Sigma&gt;, the surrogate's is hyperparameter
 * {@code surrogate_value}. Singular factors use the pseudo-inverse root (eigenvalues below 1e-12 of
 * the largest count as 0).
 *
 * @param radius c &gt; 0
 * @param rows the weight's rows m (size of L)
 * @param cols the weight's columns n (size of R)
 */
public record Kronecker(double radius, int rows, int cols) implements Budget {
    /** Checks the radius and the shape. */
    public Kronecker {
        Budget.requirePositive("radius", radius);
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("the kronecker budget's weight shape must be positive, got " + rows + "x"
                    + cols);
        }
    }

    @Override
    public String name() {
        return "kronecker";
    }

    /** L = E[G G^T] from sigma. */
    public DMatrixRMaj left(SecondMoment sigma) {
        requireShape(sigma);
        DMatrixRMaj l = new DMatrixRMaj(rows, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                double sum = 0;
                for (int k = 0; k < cols; k++) {
                    sum += sigma.get(i * cols + k, j * cols + k);
                }
                l.set(i, j, sum);
            }
        }
        return l;
    }

    /** R = E[G^T G] from sigma. */
    public DMatrixRMaj right(SecondMoment sigma) {
        requireShape(sigma);
        DMatrixRMaj r = new DMatrixRMaj(cols, cols);
        for (int k = 0; k < cols; k++) {
            for (int l = 0; l < cols; l++) {
                double sum = 0;
                for (int i = 0; i < rows; i++) {
                    sum += sigma.get(i * cols + k, i * cols + l);
                }
                r.set(k, l, sum);
            }
        }
        return r;
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        DMatrixRMaj q = optimum(left(sigma), right(sigma));
        return Optional.of(design(q, left(sigma), right(sigma), Linalg.inner(q, sigma.matrix())));
    }

    /**
     * The design from the factors themselves (as a Kronecker-factor probe measures them, without
     * Sigma): the same Q*; the value is then the surrogate's, c tr L^(1/4) tr R^(1/4), since
     * E[g^T Q* g] needs Sigma.
     *
     * @throws IllegalArgumentException if the factors' sizes differ from the budget's shape
     */
    public Design fromFactors(SecondMoment l, SecondMoment r) {
        if (l.dimension() != rows || r.dimension() != cols) {
            throw new IllegalArgumentException("dimension mismatch: factors " + l.dimension() + "x" + l.dimension() + " and "
                    + r.dimension() + "x" + r.dimension() + " for a weight of " + rows + "x" + cols);
        }
        DMatrixRMaj q = optimum(l.matrix(), r.matrix());
        return design(q, l.matrix(), r.matrix(), radius * traceOfRoot(l.matrix(), 0.25) * traceOfRoot(r.matrix(), 0.25));
    }

    private DMatrixRMaj optimum(DMatrixRMaj l, DMatrixRMaj r) {
        return Linalg.scale(radius, Linalg.kron(Linalg.power(l, -0.25), Linalg.power(r, -0.25)));
    }

    private Design design(DMatrixRMaj q, DMatrixRMaj l, DMatrixRMaj r, double value) {
        Map<String, Double> hyper = new LinkedHashMap<>();
        hyper.put("lr", radius);
        hyper.put("left_factor_size", (double) rows);
        hyper.put("right_factor_size", (double) cols);
        hyper.put("surrogate_value", radius * traceOfRoot(l, 0.25) * traceOfRoot(r, 0.25));
        return Design.closedForm(this, q, value, "shampoo", hyper);
    }

    private static double traceOfRoot(DMatrixRMaj a, double p) {
        double sum = 0;
        for (double x : Linalg.eigen(a).values()) {
            sum += Math.pow(Math.max(x, 0), p);
        }
        return sum;
    }

    @Override
    public DMatrixRMaj objective(SecondMoment sigma) {
        return Linalg.kron(Linalg.power(left(sigma), 0.5), Linalg.power(right(sigma), 0.5));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        return List.of(Constraint.updateSecondMomentAtMost(radius,
                UpdateSecondMoment.invert(SecondMoment.of("kronecker surrogate", objective(sigma)), name())));
    }

    private void requireShape(SecondMoment sigma) {
        if (sigma.dimension() != rows * cols) {
            throw new IllegalArgumentException("dimension mismatch: the kronecker budget's weight is " + rows + "x" + cols
                    + " (d = " + rows * cols + ") but sigma is " + sigma.dimension() + "x" + sigma.dimension());
        }
    }
}
