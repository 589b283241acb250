package org.optopt.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * A validated symmetric positive semidefinite matrix: the uncentred gradient second moment
 * Sigma = E[g g^T] of a design, or a metric P, a weight matrix or a Kronecker factor.
 *
 * <p>Tolerances (stated once, here): a matrix counts as symmetric when every |a_ij - a_ji| is at
 * most {@value #TOLERANCE} times its largest absolute entry, and as PSD when its smallest
 * eigenvalue is at least -{@value #TOLERANCE} times its largest absolute eigenvalue. Within these
 * tolerances it is symmetrized ((a + a^T)/2) and its negative eigenvalues are set to 0, so every
 * design sees an exactly symmetric PSD matrix. Rounding in a file written by another program
 * (printing 15 or 17 significant digits) stays far inside them.
 *
 * <p>Cost (a choice for large Kronecker factors, where the eigendecomposition took seconds): for a
 * statistic given with its own tolerance ({@link #of(String, double[][], double)}) the PSD check
 * first tries a Cholesky factorization of a + tol m I, m the largest absolute entry (at most the
 * largest absolute eigenvalue); where it succeeds, every eigenvalue exceeds
 * -tol m &gt;= -tol |lambda|_max and the check passes without an eigendecomposition, which is then
 * computed only if a design asks for the spectrum ({@link #eigenvalues}, {@link #singular},
 * functions of the matrix). Only where that factorization fails is the spectrum computed at once,
 * for the exact check and the clipping. A matrix accepted by the Cholesky test is kept as
 * symmetrized: its negative eigenvalues, if any, are within the tolerance and are set to 0 in
 * the spectrum when that is computed (designs through the spectrum see V max(Lambda, 0) V^T; the
 * matrix itself differs from that by at most tol m per eigenvalue).
 */
public final class SecondMoment {
    /** The relative tolerance of the symmetry and PSD checks. */
    public static final double TOLERANCE = 1e-9;

    private final DMatrixRMaj matrix;
    /** The spectrum, computed on first use where the constructor did not need it. */
    private Linalg.Eigen eigen;
    /** The shift of the last {@link #shiftedCholesky} factorization (NaN before any). */
    private double choleskyShift = Double.NaN;
    /** That factorization of this + choleskyShift I, or null where it is singular. */
    private LinearSolverDense<DMatrixRMaj> cholesky;

    private SecondMoment(DMatrixRMaj matrix, Linalg.Eigen eigen) {
        this.matrix = matrix;
        this.eigen = eigen;
    }

    /**
     * Checks and copies {@code rows}.
     *
     * @param what the matrix's name in error messages, e.g. {@code sigma}
     * @throws IllegalArgumentException if it is empty, not square, zero, has a non-finite entry, is not
     *     symmetric or not PSD within {@link #TOLERANCE}; the message names {@code what} and the
     *     first offending entry or eigenvalue
     */
    public static SecondMoment of(String what, double[][] rows) {
        return validated(what, rows, TOLERANCE, false);
    }

    /**
     * Checks and copies {@code rows} as {@link #of(String, double[][])} does, with a relative
     * tolerance of the caller's: for a statistic accumulated in single precision (a sum of float
     * gemms is symmetric and PSD only to float rounding, about 1e-7 times its size relative).
     *
     * <p>This is the variant with the Cholesky test of the class documentation: a statistic's
     * spectrum is computed only if a design asks for it (the exact variant above computes it at
     * once, so that designs from exact matrices keep their bits).
     *
     * @throws IllegalArgumentException as {@link #of(String, double[][])}, or if the tolerance is not in [0, 1)
     */
    public static SecondMoment of(String what, double[][] rows, double tolerance) {
        return validated(what, rows, tolerance, true);
    }

    private static SecondMoment validated(String what, double[][] rows, double tolerance, boolean cholesky) {
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance);
        }
        int n = rows.length;
        if (n == 0) {
            throw new IllegalArgumentException(what + " is empty");
        }
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        double largest = 0;
        for (int i = 0; i < n; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException(what + " is not square: row " + i + " has " + rows[i].length
                        + " entries, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                double x = rows[i][j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(what + " has a non-finite entry at [" + i + "][" + j + "]: " + x);
                }
                a.set(i, j, x);
                largest = Math.max(largest, Math.abs(x));
            }
        }
        if (largest == 0) {
            throw new IllegalArgumentException(what + " is zero");
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double gap = Math.abs(a.get(i, j) - a.get(j, i));
                if (gap > tolerance * largest) {
                    throw new IllegalArgumentException(what + " is not symmetric: [" + i + "][" + j + "] = " + a.get(i, j)
                            + " but [" + j + "][" + i + "] = " + a.get(j, i) + " (tolerance " + tolerance
                            + " relative to the largest entry)");
                }
            }
        }
        DMatrixRMaj sym = Linalg.symmetrized(a);
        DMatrixRMaj shifted = sym.copy();
        for (int i = 0; i < n; i++) {
            shifted.add(i, i, tolerance * largest);
        }
        if (cholesky && Linalg.positiveDefinite(shifted)) {
            return new SecondMoment(sym, null);
        }
        Linalg.Eigen e = Linalg.eigen(sym);
        double scale = Math.max(Math.abs(e.max()), Math.abs(e.min()));
        if (e.min() < -tolerance * scale) {
            throw new IllegalArgumentException(what + " is not positive semidefinite: smallest eigenvalue " + e.min()
                    + " (tolerance " + tolerance + " relative to the largest " + e.max() + ")");
        }
        Linalg.Eigen c = clipped(e);
        return new SecondMoment(c == e ? sym : c.apply(x -> x), c);
    }

    /** The spectrum with negative eigenvalues set to 0. */
    private static Linalg.Eigen clipped(Linalg.Eigen e) {
        if (e.min() >= 0) {
            return e;
        }
        double[] values = e.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(values[i], 0);
        }
        return new Linalg.Eigen(values, e.vectors());
    }

    /** A copy of {@code m} validated as by {@link #of(String, double[][])}. */
    public static SecondMoment of(String what, DMatrixRMaj m) {
        double[][] rows = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                rows[i][j] = m.get(i, j);
            }
        }
        return of(what, rows);
    }

    /**
     * s times this matrix plus shift times I, for s &gt; 0 and shift &gt;= 0 (its spectrum from this
     * one's where that is known, without a new eigendecomposition).
     *
     * @throws IllegalArgumentException unless s is positive and shift non-negative, both finite
     */
    public SecondMoment scaled(double s, double shift) {
        Budget.requirePositive("scale", s);
        if (!(shift >= 0) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("shift must be non-negative and finite, got " + shift);
        }
        DMatrixRMaj m = Linalg.scale(s, matrix);
        for (int i = 0; i < m.numRows; i++) {
            m.add(i, i, shift);
        }
        if (eigen == null) {
            return new SecondMoment(m, null);
        }
        double[] values = eigen.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = s * values[i] + shift;
        }
        return new SecondMoment(m, new Linalg.Eigen(values, eigen.vectors()));
    }

    /**
     * Whether this + shift I is nonsingular by the Cholesky criterion of {@link Linalg#choleskySpd}.
     * The factorization is kept for {@link #shiftedInverse} with the same shift, so that a budget's
     * check of its metric and a design's inverse of it take one factorization, not two.
     */
    boolean nonsingularShifted(double shift) {
        return shiftedCholesky(shift) != null;
    }

    /** (this + shift I)^-1 by a Cholesky factorization (shared as said above), or null where it is singular. */
    DMatrixRMaj shiftedInverse(double shift) {
        LinearSolverDense<DMatrixRMaj> solver = shiftedCholesky(shift);
        return solver == null ? null : Linalg.inverse(solver, dimension());
    }

    private LinearSolverDense<DMatrixRMaj> shiftedCholesky(double shift) {
        if (Double.compare(shift, choleskyShift) != 0) {
            DMatrixRMaj m = matrix();
            for (int i = 0; i < m.numRows; i++) {
                m.add(i, i, shift);
            }
            cholesky = Linalg.choleskySpd(m);
            choleskyShift = shift;
        }
        return cholesky;
    }

    /** The trace. */
    public double trace() {
        return org.ejml.dense.row.CommonOps_DDRM.trace(matrix);
    }

    /** The dimension d. */
    public int dimension() {
        return matrix.numRows;
    }

    /** A copy of the matrix. */
    public DMatrixRMaj matrix() {
        return matrix.copy();
    }

    /** Entry (i, j). */
    public double get(int i, int j) {
        return matrix.get(i, j);
    }

    /** The eigenvalues in decreasing order (computed on first use). */
    public double[] eigenvalues() {
        return eigen().values().clone();
    }

    /** Whether the smallest eigenvalue is at most {@code 1e-12} times the largest (or all are 0). */
    public boolean singular() {
        return eigen().min() <= Linalg.SINGULAR * eigen().max();
    }

    /** The spectrum, negative eigenvalues set to 0 (computed on first use, then kept). */
    Linalg.Eigen eigen() {
        if (eigen == null) {
            eigen = clipped(Linalg.eigen(matrix));
        }
        return eigen;
    }

    /** The diagonal s_i = E[g_i^2]. */
    public double[] diagonal() {
        return Linalg.diagonal(matrix);
    }
}
