package org.optopt.theory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Solves the design problem max { &lt;Q, C&gt; : Q ⪰ 0, Q in a budget set } numerically, for any
 * {@link Budget} (C = {@link Budget#objective}, normally Sigma): a primal log-barrier interior-point
 * method over the symmetric (or diagonal) matrices, with the PSD cone and each matrix-inequality
 * constraint under -log det and each quadratic constraint under -log.
 *
 * <p>Algorithm: variables x are the coordinates of Q in an orthonormal basis of the symmetric
 * matrices (d(d+1)/2 of them; d for diagonal budgets). Start at Q = delta I, the largest such
 * point (to a factor 2) strictly inside the budget. For t = t0, 10 t0, 100 t0, ... minimize
 * -t &lt;Q, C&gt; + barrier(Q) by damped Newton steps (analytic gradient and Hessian, Cholesky solve,
 * backtracking that keeps every factor positive definite) until the Newton decrement stops
 * decreasing. Each Newton system is written in the basis Q^(1/2) E_k Q^(1/2) of the current Q, in
 * which the PSD barrier's Hessian is the identity, so the systems stay well conditioned when Q*
 * is singular. The central point at t is within m/t of the optimal value (m = the sum of the
 * barrier parameters: the sizes of the matrix inequalities plus the number of quadratic
 * constraints), so the loop stops once m/t &lt;= {@link #gap} |&lt;Q, C&gt;|.
 *
 * <p>Two details keep it accurate where Q* is singular (the trace budget's rank-one optimum, where
 * Q's small eigenvalues and a constraint's slack both shrink like 1/t): the PSD barrier's gradient
 * and Hessian are taken in closed form in the scaled basis (no inverse of the nearly singular Q),
 * and the Hessian of a nearly active low-rank constraint (a trace bound, a quadratic), whose
 * curvature grows like 1/slack^2, enters Newton's system through an augmented system instead of
 * being added to the rest (which a Cholesky factorization of the sum would drown in rounding).
 * Accuracy (tested on Wishart Sigma, d = 1..8, against every closed form): value and Q* to about
 * 1e-9 relative (the stopping gap times the barrier parameter).
 *
 * <p>This is a reference solver for small d (it forms a dense Hessian of size d^2(d+1)^2/4): d up to
 * about 30. It is independent of the closed forms: it uses only the budgets' constraints.
 */
public final class NumericSolver {
    /** The default relative gap: {@value}. */
    public static final double DEFAULT_GAP = 1e-10;
    /** The default limit on Newton steps over all centerings: {@value}. */
    public static final int DEFAULT_MAX_NEWTON_STEPS = 2000;

    private final double gap;
    private final int maxNewtonSteps;

    /** A solver with {@link #DEFAULT_GAP} and {@link #DEFAULT_MAX_NEWTON_STEPS}. */
    public NumericSolver() {
        this(DEFAULT_GAP, DEFAULT_MAX_NEWTON_STEPS);
    }

    /**
     * A solver that stops at relative gap {@code gap} and fails after {@code maxNewtonSteps}.
     *
     * @throws IllegalArgumentException if gap is not in (0, 1) or the limit is not positive
     */
    public NumericSolver(double gap, int maxNewtonSteps) {
        if (!(gap > 0 && gap < 1)) {
            throw new IllegalArgumentException("gap must be in (0, 1), got " + gap);
        }
        if (maxNewtonSteps < 1) {
            throw new IllegalArgumentException("maxNewtonSteps must be positive, got " + maxNewtonSteps);
        }
        this.gap = gap;
        this.maxNewtonSteps = maxNewtonSteps;
    }

    /** The relative gap at which the path following stops. */
    public double gap() {
        return gap;
    }

    /**
     * Solves {@code budget} for {@code sigma}. The design names the optimizer and hyperparameters of
     * the budget's closed form where it has one, else {@code none} and no hyperparameters.
     *
     * @throws IllegalArgumentException if the budget does not fit sigma or is unbounded for it
     * @throws IllegalStateException if the solver does not converge within its Newton-step limit
     */
    public Design solve(Budget budget, SecondMoment sigma) {
        Problem p = new Problem(budget, sigma);
        DMatrixRMaj q = p.solve();
        double value = Linalg.inner(q, sigma.matrix());
        var closed = budget.closedForm(sigma);
        return new Design(budget, q, value, closed.map(Design::optimizer).orElse("none"),
                closed.map(Design::hyperparameters).orElse(Map.of()), Design.NUMERIC);
    }

    /** One problem instance: basis, precomputed constraint images, the path following. */
    private final class Problem {
        private final String budgetName;
        private final int d;
        private final DMatrixRMaj objective;
        private final List<DMatrixRMaj> basis = new ArrayList<>();
        private final List<Constraint.MatrixInequality> inequalities = new ArrayList<>();
        private final List<Constraint.Quadratic> quadratics = new ArrayList<>();
        private final double[] objectiveCoordinates;
        private final int barrierParameter;
        private int newtonSteps;

        Problem(Budget budget, SecondMoment sigma) {
            budgetName = budget.name();
            d = sigma.dimension();
            objective = budget.objective(sigma);
            for (int i = 0; i < d; i++) {
                int end = budget.diagonal() ? i + 1 : d;
                for (int j = i; j < end; j++) {
                    DMatrixRMaj e = new DMatrixRMaj(d, d);
                    double v = i == j ? 1 : Math.sqrt(0.5);
                    e.set(i, j, v);
                    e.set(j, i, v);
                    basis.add(e);
                }
            }
            int m = d; // Q ⪰ 0, whose barrier -log det Q the Newton systems take in closed form
            for (Constraint c : budget.constraints(sigma)) {
                switch (c) {
                    case Constraint.MatrixInequality lmi -> {
                        inequalities.add(lmi);
                        m += lmi.offset().numRows;
                    }
                    case Constraint.Quadratic quad -> {
                        quadratics.add(quad);
                        m += 1;
                    }
                }
            }
            barrierParameter = m;
            objectiveCoordinates = basis.stream().mapToDouble(e -> Linalg.inner(e, objective)).toArray();
        }

        DMatrixRMaj solve() {
            double[] x = start();
            double t = barrierParameter / Math.max(Math.abs(dot(objectiveCoordinates, x)), Double.MIN_NORMAL);
            while (true) {
                x = center(x, t);
                double value = Math.abs(dot(objectiveCoordinates, x));
                if (barrierParameter / t <= gap * value) {
                    return matrix(x);
                }
                t *= MU;
            }
        }

        private static final double MU = 10;
        /** The squared Newton decrement at which a centering stops. */
        private static final double DECREMENT = 1e-20;
        /** Below this squared decrement Newton's method converges quadratically (self-concordance: lambda &lt; 1/4). */
        private static final double QUADRATIC = 1.0 / 16;

        private double[] start() {
            double delta = 1;
            while (!Double.isFinite(barrier(identityCoordinates(delta)))) {
                delta /= 2;
                if (delta < 1e-300) {
                    throw new IllegalStateException("the " + budgetName + " budget has no interior point near 0");
                }
            }
            while (delta < 1e300 && Double.isFinite(barrier(identityCoordinates(2 * delta)))) {
                delta *= 2;
            }
            if (delta >= 1e300) {
                throw new IllegalArgumentException("the " + budgetName + " budget is unbounded");
            }
            return identityCoordinates(delta / 2);
        }

        private double[] identityCoordinates(double delta) {
            double[] x = new double[basis.size()];
            for (int k = 0; k < x.length; k++) {
                DMatrixRMaj e = basis.get(k);
                x[k] = delta * CommonOps_DDRM.trace(e);
            }
            return x;
        }

        private DMatrixRMaj matrix(double[] x) {
            DMatrixRMaj q = new DMatrixRMaj(d, d);
            for (int k = 0; k < x.length; k++) {
                CommonOps_DDRM.addEquals(q, x[k], basis.get(k));
            }
            return q;
        }

        /** Minimizes -t &lt;Q, C&gt; + barrier(Q) from x by damped Newton steps. */
        private double[] center(double[] x, double t) {
            int n = x.length;
            LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(n);
            double previousDecrement = Double.POSITIVE_INFINITY;
            while (true) {
                if (++newtonSteps > maxNewtonSteps) {
                    throw new IllegalStateException("the numeric solver did not converge within " + maxNewtonSteps
                            + " Newton steps on the " + budgetName + " budget (barrier weight t = " + t + ")");
                }
                DMatrixRMaj q = matrix(x);
                List<DMatrixRMaj> scaled = scaledBasis(q);
                DMatrixRMaj gradient = new DMatrixRMaj(n, 1);
                DMatrixRMaj hessian = new DMatrixRMaj(n, n);
                List<double[]> rows = new ArrayList<>();
                derivatives(q, scaled, gradient, hessian, rows);
                for (int k = 0; k < n; k++) {
                    gradient.add(k, 0, -t * Linalg.inner(scaled.get(k), objective));
                }
                DMatrixRMaj step = newtonStep(hessian, rows, gradient);
                CommonOps_DDRM.scale(-1, step);
                double decrement = -CommonOps_DDRM.dot(gradient, step);
                step = coordinates(combination(step, scaled));
                if (!(decrement > DECREMENT) || decrement >= previousDecrement && decrement < QUADRATIC) {
                    return x; // centered, or at the floor that rounding allows
                }
                previousDecrement = decrement;
                double[] y = moved(x, step, 1);
                if (decrement < QUADRATIC && Double.isFinite(barrier(y))) {
                    x = y; // the quadratically convergent region of Newton's method: full steps
                    continue;
                }
                double b0 = barrier(x);
                double s = 1;
                while (true) {
                    y = moved(x, step, s);
                    if (java.util.Arrays.equals(x, y)) {
                        return x; // the step vanishes in floating point: the center is reached
                    }
                    double change = -t * s * dot(objectiveCoordinates, step.getData()) + barrier(y) - b0;
                    if (Double.isFinite(change) && change <= -0.25 * s * decrement) {
                        x = y;
                        break;
                    }
                    s /= 2;
                    if (s < 1e-12) {
                        return x; // no further progress in floating point: the center is reached
                    }
                }
            }
        }

        /**
         * Solves (H0 + J^T J) step = gradient, J's rows given. Where J is present it is the barrier
         * Hessian of a nearly active low-rank constraint (a trace bound, a quadratic), whose
         * curvature 1/slack^2 can exceed H0's by 10^20 near the optimum: a Cholesky factorization of
         * the sum would lose H0 entirely, so the step comes from the equivalent augmented system
         * [[H0, J^T], [J, -I]] [step; y] = [gradient; 0] (LU with partial pivoting), whose
         * conditioning does not grow with the curvature.
         */
        private static DMatrixRMaj newtonStep(DMatrixRMaj h0, List<double[]> rows, DMatrixRMaj gradient) {
            int n = h0.numRows;
            DMatrixRMaj step = new DMatrixRMaj(n, 1);
            if (rows.isEmpty()) {
                LinearSolverDense<DMatrixRMaj> cholesky = LinearSolverFactory_DDRM.symmPosDef(n);
                if (cholesky.setA(h0.copy())) {
                    cholesky.solve(gradient, step);
                    return step;
                }
            }
            int size = n + rows.size();
            DMatrixRMaj k = new DMatrixRMaj(size, size);
            CommonOps_DDRM.insert(h0, k, 0, 0);
            for (int r = 0; r < rows.size(); r++) {
                double[] row = rows.get(r);
                for (int c = 0; c < n; c++) {
                    k.set(n + r, c, row[c]);
                    k.set(c, n + r, row[c]);
                }
                k.set(n + r, n + r, -1);
            }
            DMatrixRMaj rhs = new DMatrixRMaj(size, 1);
            CommonOps_DDRM.insert(gradient, rhs, 0, 0);
            DMatrixRMaj solution = new DMatrixRMaj(size, 1);
            LinearSolverDense<DMatrixRMaj> lu = LinearSolverFactory_DDRM.lu(size);
            if (!lu.setA(k.copy())) {
                lu = LinearSolverFactory_DDRM.pseudoInverse(true);
                lu.setA(k.copy());
            }
            lu.solve(rhs, solution);
            CommonOps_DDRM.extract(solution, 0, n, 0, 1, step, 0, 0);
            return step;
        }

        private static double[] moved(double[] x, DMatrixRMaj step, double s) {
            double[] y = new double[x.length];
            for (int k = 0; k < y.length; k++) {
                y[k] = x[k] + s * step.get(k);
            }
            return y;
        }

        /** The barrier at x, or +infinity outside the interior. */
        private double barrier(double[] x) {
            DMatrixRMaj q = matrix(x);
            double sum = logDetBarrier(q);
            for (Constraint.MatrixInequality lmi : inequalities) {
                DMatrixRMaj f = lmi.offset().copy();
                CommonOps_DDRM.addEquals(f, lmi.linear().apply(q));
                sum += logDetBarrier(f);
            }
            for (Constraint.Quadratic quad : quadratics) {
                double slack = slack(quad, q);
                if (!(slack > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                sum -= Math.log(slack);
            }
            return sum;
        }

        /** -log det f, or +infinity unless f ≻ 0. */
        private static double logDetBarrier(DMatrixRMaj f) {
            CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(f.numRows, true);
            if (!chol.decompose(f.copy())) {
                return Double.POSITIVE_INFINITY;
            }
            DMatrixRMaj lower = chol.getT(null);
            double sum = 0;
            for (int i = 0; i < lower.numRows; i++) {
                double diag = lower.get(i, i);
                if (!(diag > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                sum -= 2 * Math.log(diag);
            }
            return sum;
        }

        private static double slack(Constraint.Quadratic quad, DMatrixRMaj q) {
            return quad.bound() - 0.5 * Linalg.inner(q, quad.hessian().apply(q)) - Linalg.inner(quad.linear(), q);
        }

        /**
         * The basis S E_k S with S = Q^(1/2): in these coordinates the PSD barrier's Hessian at Q is
         * the identity, which keeps Newton's systems well conditioned when Q* is singular.
         */
        private List<DMatrixRMaj> scaledBasis(DMatrixRMaj q) {
            DMatrixRMaj root = Linalg.eigen(q).apply(lambda -> Math.sqrt(Math.max(lambda, 0)));
            return basis.stream().map(e -> Linalg.mult(Linalg.mult(root, e), root)).toList();
        }

        private DMatrixRMaj combination(DMatrixRMaj weights, List<DMatrixRMaj> matrices) {
            DMatrixRMaj sum = new DMatrixRMaj(d, d);
            for (int k = 0; k < matrices.size(); k++) {
                CommonOps_DDRM.addEquals(sum, weights.get(k), matrices.get(k));
            }
            return sum;
        }

        /** The coordinates of symmetric m in the orthonormal basis, as a column. */
        private DMatrixRMaj coordinates(DMatrixRMaj m) {
            DMatrixRMaj c = new DMatrixRMaj(basis.size(), 1);
            for (int k = 0; k < basis.size(); k++) {
                c.set(k, 0, Linalg.inner(basis.get(k), m));
            }
            return c;
        }

        /**
         * The barrier's gradient and Hessian at the interior point q, in the coordinates of
         * {@code dirs}: the Hessian as {@code hessian} plus J^T J for the rows J added to {@code rows}
         * (the low-rank terms, see {@link #newtonStep}).
         */
        private void derivatives(DMatrixRMaj q, List<DMatrixRMaj> dirs, DMatrixRMaj gradient, DMatrixRMaj hessian,
                List<double[]> rows) {
            int n = dirs.size();
            // -log det Q in the scaled directions S E_k S (S = Q^(1/2)): Q^-1 S E_k S = S^-1 E_k S, so
            // the gradient is -tr E_k and the Hessian tr(E_k E_l) = identity, exactly, with no inverse
            // of the (nearly singular, near a low-rank optimum) Q.
            for (int k = 0; k < n; k++) {
                gradient.add(k, 0, -CommonOps_DDRM.trace(basis.get(k)));
                hessian.add(k, k, 1);
            }
            for (Constraint.MatrixInequality lmi : inequalities) {
                // -log det F, F = offset + L(Q): gradient -tr(B_k), Hessian tr(B_k B_l) with
                // B_k = F^-1/2 L(dir_k) F^-1/2, i.e. J^T J for J's rows the entries of B_k
                // (off-diagonal ones weighted sqrt 2).
                DMatrixRMaj f = lmi.offset().copy();
                CommonOps_DDRM.addEquals(f, lmi.linear().apply(q));
                DMatrixRMaj invRoot = Linalg.eigen(f).apply(lambda -> 1 / Math.sqrt(lambda));
                int p = f.numRows;
                double[][] entries = new double[p * (p + 1) / 2][n];
                for (int k = 0; k < n; k++) {
                    DMatrixRMaj b = Linalg.mult(Linalg.mult(invRoot, lmi.linear().apply(dirs.get(k))), invRoot);
                    gradient.add(k, 0, -CommonOps_DDRM.trace(b));
                    int r = 0;
                    for (int i = 0; i < p; i++) {
                        for (int j = i; j < p; j++) {
                            entries[r++][k] = i == j ? b.get(i, i) : Math.sqrt(2) * 0.5 * (b.get(i, j) + b.get(j, i));
                        }
                    }
                }
                addGram(entries, n, hessian, rows);
            }
            for (Constraint.Quadratic quad : quadratics) {
                double slack = slack(quad, q);
                DMatrixRMaj grad = quad.hessian().apply(q);
                CommonOps_DDRM.addEquals(grad, quad.linear());
                double[] g = dirs.stream().mapToDouble(e -> Linalg.inner(e, grad) / slack).toArray();
                List<DMatrixRMaj> hImages = dirs.stream().map(quad.hessian()).toList();
                for (int k = 0; k < n; k++) {
                    gradient.add(k, 0, g[k]);
                    for (int l = 0; l < n; l++) {
                        hessian.add(k, l, Linalg.inner(dirs.get(k), hImages.get(l)) / slack);
                    }
                }
                rows.add(g);
            }
        }

        /** Adds J^T J for J = {@code entries}: as rows where J has fewer rows than columns, else into {@code hessian}. */
        private static void addGram(double[][] entries, int n, DMatrixRMaj hessian, List<double[]> rows) {
            if (entries.length < n) {
                rows.addAll(java.util.Arrays.asList(entries));
                return;
            }
            for (int k = 0; k < n; k++) {
                for (int l = k; l < n; l++) {
                    double h = 0;
                    for (double[] row : entries) {
                        h += row[k] * row[l];
                    }
                    hessian.add(k, l, h);
                    if (l != k) {
                        hessian.add(l, k, h);
                    }
                }
            }
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }
    }
}
