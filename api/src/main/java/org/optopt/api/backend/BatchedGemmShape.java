package org.optopt.api.backend;

import org.optopt.api.tensor.Tensor;

/**
 * The dimensions of a batch of products {@code C[i] = op(A[i]) op(B[i])}, {@code i < count}, over
 * rank-3 tensors {@code [count, rows, cols]}, validated.
 *
 * @param count products in the batch
 * @param m rows of every {@code op(A[i])} and {@code C[i]}
 * @param n columns of every {@code op(B[i])} and {@code C[i]}
 * @param k the inner dimension
 */
public record BatchedGemmShape(int count, int m, int n, int k) {

    /**
     * Checks that the operands are rank-3 tensors of equal leading dimension whose matrices conform.
     *
     * @throws IllegalArgumentException naming the shapes otherwise
     */
    public static BatchedGemmShape of(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c) {
        a.shape().requireRank(3, "batched gemm A");
        b.shape().requireRank(3, "batched gemm B");
        c.shape().requireRank(3, "batched gemm C");
        int count = a.shape().dim(0);
        int m = transposeA ? a.shape().dim(2) : a.shape().dim(1);
        int ka = transposeA ? a.shape().dim(1) : a.shape().dim(2);
        int kb = transposeB ? b.shape().dim(2) : b.shape().dim(1);
        int n = transposeB ? b.shape().dim(1) : b.shape().dim(2);
        if (b.shape().dim(0) != count || c.shape().dim(0) != count || ka != kb || c.shape().dim(1) != m
                || c.shape().dim(2) != n) {
            throw new IllegalArgumentException("batched gemm: shapes do not conform: A" + a.shape()
                    + (transposeA ? "^T" : "") + " x B" + b.shape() + (transposeB ? "^T" : "") + " -> C" + c.shape());
        }
        return new BatchedGemmShape(count, m, n, ka);
    }

    /** Elements of one matrix of A as stored, {@code m*k}. */
    public int aSize() {
        return m * k;
    }

    /** Elements of one matrix of B as stored, {@code k*n}. */
    public int bSize() {
        return k * n;
    }

    /** Elements of one matrix of C, {@code m*n}. */
    public int cSize() {
        return m * n;
    }
}
