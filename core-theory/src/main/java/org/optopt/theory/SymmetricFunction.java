package org.optopt.theory;

import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * Matrix functions of symmetric matrices through the spectrum, {@code f(A) = V diag(f(lambda)) V^T},
 * in double precision on EJML's symmetric eigendecomposition: e.g. Shampoo's inverse fourth roots
 * of its preconditioner statistics.
 */
public final class SymmetricFunction {
    private SymmetricFunction() {}

    /**
     * {@code f(A)} of a symmetric matrix given as rows (not modified); {@code f} sees each eigenvalue
     * once and may throw to refuse one.
     *
     * @throws IllegalArgumentException if the matrix is empty, not square, has a non-finite element,
     *     or is not symmetric to 1e-9 of its largest element
     */
    public static double[][] apply(double[][] matrix, DoubleUnaryOperator f) {
        int n = matrix.length;
        if (n == 0) {
            throw new IllegalArgumentException("Matrix is empty");
        }
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        double scale = 0;
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("Matrix is not square: row " + i + " has " + matrix[i].length
                        + " elements, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                double v = matrix[i][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("Matrix has a non-finite element " + v);
                }
                scale = Math.max(scale, Math.abs(v));
                a.set(i, j, v);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(matrix[i][j] - matrix[j][i]) > 1e-9 * Math.max(scale, Double.MIN_NORMAL)) {
                    throw new IllegalArgumentException("Matrix is not symmetric: [" + i + "][" + j + "] = " + matrix[i][j]
                            + " but [" + j + "][" + i + "] = " + matrix[j][i]);
                }
            }
        }
        DMatrixRMaj out = Linalg.eigen(a).apply(f);
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rows[i][j] = out.get(i, j);
            }
        }
        return rows;
    }
}
