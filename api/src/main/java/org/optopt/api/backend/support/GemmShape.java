package org.optopt.api.backend.support;

import org.optopt.api.tensor.Tensor;

/**
 * The dimensions of {@code C[m x n] = op(A)[m x k] * op(B)[k x n]}, validated.
 *
 * @param m rows of op(A) and C
 * @param n columns of op(B) and C
 * @param k the inner dimension
 */
public record GemmShape(int m, int n, int k) {

    /**
     * Checks that the operands are matrices whose shapes conform.
     *
     * @throws IllegalArgumentException naming the shapes otherwise
     */
    public static GemmShape of(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c) {
        a.shape().requireRank(2, "gemm A");
        b.shape().requireRank(2, "gemm B");
        c.shape().requireRank(2, "gemm C");
        int m = transposeA ? a.shape().dim(1) : a.shape().dim(0);
        int ka = transposeA ? a.shape().dim(0) : a.shape().dim(1);
        int kb = transposeB ? b.shape().dim(1) : b.shape().dim(0);
        int n = transposeB ? b.shape().dim(0) : b.shape().dim(1);
        if (ka != kb || c.shape().dim(0) != m || c.shape().dim(1) != n) {
            throw new IllegalArgumentException("gemm: shapes do not conform: A" + a.shape() + (transposeA ? "^T" : "")
                    + " x B" + b.shape() + (transposeB ? "^T" : "") + " -> C" + c.shape());
        }
        return new GemmShape(m, n, ka);
    }
}
