package org.optopt.optimizers.matrix;

/**
 * Eigen-decomposition of small symmetric matrices on the host in double precision by the cyclic
 * Jacobi method: plane rotations {@code A <- J^T A J} zero each off-diagonal element in turn until
 * the off-diagonal mass is below {@code 1e-14} of the matrix's; the product of the rotations
 * holds the eigenvectors. Cost O(n^3) per sweep; typically under ten sweeps.
 */
public final class JacobiEigen {
    private static final int MAX_SWEEPS = 100;

    private JacobiEigen() {}

    /**
     * An eigen-decomposition {@code A = V diag(values) V^T}.
     *
     * @param values the eigenvalues, ascending
     * @param vectors {@code vectors[i][k]} is component i of the eigenvector of {@code values[k]};
     *     the columns are orthonormal
     */
    public record Decomposition(double[] values, double[][] vectors) {}

    /**
     * Decomposes a symmetric matrix (not modified).
     *
     * @throws IllegalArgumentException if it is not square, not symmetric to 1e-9 relative, or not finite
     * @throws IllegalStateException if the iteration does not converge
     */
    public static Decomposition decompose(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("Matrix is not square: row " + i + " has " + matrix[i].length
                        + " elements, expected " + n);
            }
            a[i] = matrix[i].clone();
            for (double v : a[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("Matrix has a non-finite element " + v);
                }
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * Math.max(scale, Double.MIN_NORMAL)) {
                    throw new IllegalArgumentException("Matrix is not symmetric: [" + i + "][" + j + "] = " + a[i][j]
                            + " but [" + j + "][" + i + "] = " + a[j][i]);
                }
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        double total = frobeniusSquared(a);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            if (offDiagonalSquared(a) <= 1e-28 * total) {
                return sorted(a, v);
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, v, p, q);
                }
            }
        }
        if (offDiagonalSquared(a) <= 1e-28 * total) {
            return sorted(a, v);
        }
        throw new IllegalStateException("Jacobi eigen-decomposition of a " + n + "x" + n + " matrix did not converge in "
                + MAX_SWEEPS + " sweeps");
    }

    /** Zeros {@code a[p][q]} by a rotation in the (p, q) plane and accumulates it into {@code v}. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) {
            return;
        }
        // Choose t = tan(phi) of the smaller rotation angle solving t^2 + 2*theta*t - 1 = 0.
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    private static double frobeniusSquared(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double x : row) {
                s += x * x;
            }
        }
        return s;
    }

    private static double offDiagonalSquared(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    s += a[i][j] * a[i][j];
                }
            }
        }
        return s;
    }

    private static Decomposition sorted(double[][] a, double[][] v) {
        int n = a.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[x][x], a[y][y]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new Decomposition(values, vectors);
    }

    /**
     * {@code f(A) = V diag(f(lambda)) V^T} of a symmetric matrix.
     *
     * @throws IllegalArgumentException as {@link #decompose} does
     */
    public static double[][] apply(double[][] matrix, java.util.function.DoubleUnaryOperator f) {
        Decomposition d = decompose(matrix);
        int n = matrix.length;
        double[] fv = new double[n];
        for (int k = 0; k < n; k++) {
            fv[k] = f.applyAsDouble(d.values()[k]);
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += d.vectors()[i][k] * fv[k] * d.vectors()[j][k];
                }
                out[i][j] = s;
                out[j][i] = s;
            }
        }
        return out;
    }

    /**
     * {@code A^power} of a symmetric positive-definite matrix.
     *
     * @throws IllegalArgumentException if an eigenvalue is not positive (naming it)
     */
    public static double[][] power(double[][] matrix, double power) {
        return apply(matrix, lambda -> {
            if (!(lambda > 0)) {
                throw new IllegalArgumentException("Matrix is not positive definite: eigenvalue " + lambda);
            }
            return Math.pow(lambda, power);
        });
    }
}
