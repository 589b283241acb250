package org.optopt.theory;

import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The few dense operations the designs need, on EJML's row-major matrices. Every method returns a
 * new matrix and leaves its arguments unchanged.
 */
final class Linalg {
    private Linalg() {}

    /** A symmetric eigendecomposition: eigenvalues in decreasing order, eigenvectors as the columns of {@code vectors}. */
    record Eigen(double[] values, DMatrixRMaj vectors) {
        /** The largest eigenvalue. */
        double max() {
            return values[0];
        }

        /** The smallest eigenvalue. */
        double min() {
            return values[values.length - 1];
        }

        /** Eigenvector {@code i} as a column. */
        DMatrixRMaj vector(int i) {
            return CommonOps_DDRM.extractColumn(vectors, i, null);
        }

        /** V f(Lambda) V^T. */
        DMatrixRMaj apply(DoubleUnaryOperator f) {
            int n = values.length;
            DMatrixRMaj scaled = vectors.copy();
            for (int j = 0; j < n; j++) {
                double fj = f.applyAsDouble(values[j]);
                for (int i = 0; i < n; i++) {
                    scaled.set(i, j, scaled.get(i, j) * fj);
                }
            }
            DMatrixRMaj out = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(scaled, vectors, out);
            return symmetrized(out);
        }
    }

    /** The eigendecomposition of the symmetric matrix {@code a} (EJML's symmetric QR algorithm). */
    static Eigen eigen(DMatrixRMaj a) {
        int n = a.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(a.copy())) {
            throw new IllegalStateException("the symmetric eigendecomposition did not converge");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(eig.getEigenvalue(y).real, eig.getEigenvalue(x).real));
        double[] values = new double[n];
        DMatrixRMaj vectors = new DMatrixRMaj(n, n);
        for (int j = 0; j < n; j++) {
            values[j] = eig.getEigenvalue(order[j]).real;
            DMatrixRMaj v = eig.getEigenVector(order[j]);
            double norm = CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(v, v, null));
            for (int i = 0; i < n; i++) {
                vectors.set(i, j, v.get(i) / Math.sqrt(norm));
            }
        }
        return new Eigen(values, vectors);
    }

    /**
     * f applied to a PSD matrix's spectrum, with eigenvalues at or below {@code cutoff} mapped to 0
     * (the pseudo-inverse convention for negative powers).
     */
    static DMatrixRMaj psdFunction(DMatrixRMaj a, double cutoff, DoubleUnaryOperator f) {
        return eigen(a).apply(x -> x > cutoff ? f.applyAsDouble(x) : 0);
    }

    /** The relative eigenvalue below which a PSD matrix counts as singular: {@value}. */
    static final double SINGULAR = 1e-12;

    /** a^p for a PSD matrix, pseudo-inverse convention below {@link #SINGULAR} times the largest eigenvalue. */
    static DMatrixRMaj power(DMatrixRMaj a, double p) {
        Eigen e = eigen(a);
        double cutoff = SINGULAR * Math.max(e.max(), 0);
        return e.apply(x -> x > cutoff ? Math.pow(x, p) : 0);
    }

    /**
     * Whether the symmetric matrix {@code a} is positive definite to working precision: its
     * Cholesky factorization a = T T^T succeeds with positive finite pivots. One n^3/3
     * factorization, no eigendecomposition.
     */
    static boolean positiveDefinite(DMatrixRMaj a) {
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(a.numRows, true);
        if (!chol.decompose(a.copy())) {
            return false;
        }
        DMatrixRMaj t = chol.getT(null);
        for (int i = 0; i < a.numRows; i++) {
            if (!(t.get(i, i) > 0) || !Double.isFinite(t.get(i, i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A Cholesky solver set to the symmetric matrix a (n^3/3 for the factor; an inverse from it,
     * {@link #inverse}, costs n^3 more, against about 9 n^3 for a symmetric eigendecomposition with
     * vectors), or null where a is singular by the Cholesky criterion: the factorization fails, or
     * a squared pivot T_ii^2 is at most {@link #SINGULAR} times the largest diagonal entry. Every
     * squared pivot is at least the smallest eigenvalue and the largest diagonal entry at most the
     * largest, so a matrix singular by this criterion is singular by the eigenvalue criterion of
     * {@link #power}; a very ill-conditioned one may pass it (its inverse is then as accurate as
     * the condition number allows).
     */
    static LinearSolverDense<DMatrixRMaj> choleskySpd(DMatrixRMaj a) {
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(a.numRows);
        if (!solver.setA(a.copy())) {
            return null;
        }
        @SuppressWarnings("unchecked")
        DMatrixRMaj t = ((CholeskyDecomposition_F64<DMatrixRMaj>) solver.getDecomposition()).getT(null);
        double largest = 0;
        for (int i = 0; i < a.numRows; i++) {
            largest = Math.max(largest, a.get(i, i));
        }
        for (int i = 0; i < a.numRows; i++) {
            double pivot = t.get(i, i);
            if (!(pivot * pivot > SINGULAR * largest) || !Double.isFinite(pivot)) {
                return null;
            }
        }
        return solver;
    }

    /** a^-1 (symmetrized) from a solver {@link #choleskySpd} set to the n x n matrix a. */
    static DMatrixRMaj inverse(LinearSolverDense<DMatrixRMaj> cholesky, int n) {
        DMatrixRMaj inverse = new DMatrixRMaj(n, n);
        cholesky.invert(inverse);
        return symmetrized(inverse);
    }

    /** &lt;a, b&gt; = tr(a^T b). */
    static double inner(DMatrixRMaj a, DMatrixRMaj b) {
        double sum = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    /** The Frobenius norm. */
    static double frobenius(DMatrixRMaj a) {
        return Math.sqrt(inner(a, a));
    }

    /** s * a. */
    static DMatrixRMaj scale(double s, DMatrixRMaj a) {
        DMatrixRMaj out = a.copy();
        CommonOps_DDRM.scale(s, out);
        return out;
    }

    /** a b. */
    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj out = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, out);
        return out;
    }

    /** (a + a^T)/2. */
    static DMatrixRMaj symmetrized(DMatrixRMaj a) {
        DMatrixRMaj out = new DMatrixRMaj(a.numRows, a.numCols);
        CommonOps_DDRM.transpose(a, out);
        CommonOps_DDRM.add(0.5, a, 0.5, out, out);
        return out;
    }

    /** The diagonal matrix with {@code d} on its diagonal. */
    static DMatrixRMaj diag(double[] d) {
        return CommonOps_DDRM.diag(d);
    }

    /** The diagonal of {@code a}. */
    static double[] diagonal(DMatrixRMaj a) {
        double[] d = new double[a.numRows];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i, i);
        }
        return d;
    }

    /** The identity of size n. */
    static DMatrixRMaj identity(int n) {
        return CommonOps_DDRM.identity(n);
    }

    /** a (x) b, the Kronecker product. */
    static DMatrixRMaj kron(DMatrixRMaj a, DMatrixRMaj b) {
        return CommonOps_DDRM.kron(a, b, null);
    }

    /** The Euclidean norm of a vector. */
    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
