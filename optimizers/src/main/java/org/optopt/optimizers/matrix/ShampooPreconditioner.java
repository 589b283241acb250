package org.optopt.optimizers.matrix;

import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.theory.SymmetricFunction;

/**
 * Shampoo's preconditioner (Gupta, Koren and Singer 2018), the matrix step of {@link Shampoo}:
 * <pre>
 * L = L + G G^T ;  R = R + G^T G                                   (both start at 0)
 * every update_every steps (and on the first):
 *     L_root = (L + eps*I)^(-1/4), R_root = (R + eps*I)^(-1/4)     (host, double, EJML)
 * P = L_root G R_root
 * </pre>
 * Statistics and products run as backend gemm; the inverse roots on the host
 * ({@link SymmetricFunction}). State per parameter: {@code L}, {@code R}, {@code L_root},
 * {@code R_root}. A side longer than {@value #MAX_SIDE} is not preconditioned (its root stays I).
 */
final class ShampooPreconditioner implements Preconditioner {
    /** Sides longer than this are not preconditioned. */
    static final int MAX_SIDE = 1024;
    /** Relative size (per row) of the float32 rounding of the statistics. */
    private static final double ROUNDING = 1e-6;

    @Override
    public Bound bind(Backend backend, String parameter, Shape matrix, Tensors tensors) {
        int rows = matrix.dim(0);
        int cols = matrix.dim(1);
        Tensor leftStats = tensors.state("L", backend.zeros(Shape.matrix(rows, rows)));
        Tensor rightStats = tensors.state("R", backend.zeros(Shape.matrix(cols, cols)));
        Tensor leftRoot = tensors.state("L_root", tensors.identity(rows));
        Tensor rightRoot = tensors.state("R_root", tensors.identity(cols));
        Tensor left = tensors.work(backend.zeros(matrix));
        return (g, p, hyper, steps) -> {
            backend.gemmInPlace(1f, g, false, g, true, 1f, leftStats);
            backend.gemmInPlace(1f, g, true, g, false, 1f, rightStats);
            if (steps % Math.round(hyper.get("update_every")) == 0) {
                inverseFourthRoot(leftStats, hyper.get("eps"), leftRoot, parameter + "/L");
                inverseFourthRoot(rightStats, hyper.get("eps"), rightRoot, parameter + "/R");
            }
            backend.gemmInPlace(1f, leftRoot, false, g, false, 0f, left);
            backend.gemmInPlace(1f, left, false, rightRoot, false, 0f, p);
        };
    }

    /**
     * {@code root = (S + eps*I)^(-1/4)} of a statistic {@code S = sum G G^T}, via the host
     * eigen-decomposition of S in double. S is positive semi-definite, but its float32 sum can have
     * eigenvalues slightly below 0: those within {@value #ROUNDING} of its largest count as 0;
     * a more negative one fails. Sides above {@link #MAX_SIDE} keep the identity.
     */
    private static void inverseFourthRoot(Tensor statistic, double eps, Tensor root, String what) {
        int n = statistic.shape().dim(0);
        if (n > MAX_SIDE) {
            return;
        }
        float[] f = statistic.toArray();
        double[][] a = new double[n][n];
        double largest = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * ((double) f[i * n + j] + f[j * n + i]);
            }
            largest = Math.max(largest, Math.abs(a[i][i]));
        }
        double bound = ROUNDING * largest * n;
        double[][] r = SymmetricFunction.apply(a, lambda -> {
            if (lambda < -bound) {
                throw new IllegalStateException("Shampoo statistic " + what + " has eigenvalue " + lambda
                        + ", beyond float rounding of a positive semi-definite sum");
            }
            return Math.pow(Math.max(lambda, 0) + eps, -0.25);
        });
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) r[i][j];
            }
        }
        root.copyFrom(out);
    }
}
