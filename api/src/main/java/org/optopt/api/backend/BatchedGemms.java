package org.optopt.api.backend;

import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * {@link Backend#gemmBatchedInPlace} composed from the backend's row gathers, matrix products and
 * row scatters, so that every backend has it: each matrix of A, B and C is gathered as a block of
 * rows, multiplied by {@link Backend#gemmInPlace}, and scattered into a fresh result that then
 * replaces C.
 */
public final class BatchedGemms {
    private BatchedGemms() {}

    /** {@code c[i] = alpha op(a[i]) op(b[i]) + beta c[i]} through per-matrix gathers and products. */
    public static void compose(Backend be, float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB,
            float beta, Tensor c) {
        BatchedGemmShape s = BatchedGemmShape.of(a, transposeA, b, transposeB, c);
        int count = s.count();
        int cRows = c.shape().dim(1);
        try (Tensor a2 = be.reshape(a, rows(a)); Tensor b2 = be.reshape(b, rows(b)); Tensor c2 = be.reshape(c, rows(c));
                Tensor result = be.zeros(rows(c))) {
            for (int i = 0; i < count; i++) {
                int[] cBlock = block(i, cRows);
                try (Tensor ai = be.gatherRows(a2, block(i, a.shape().dim(1)));
                        Tensor bi = be.gatherRows(b2, block(i, b.shape().dim(1)));
                        Tensor ci = be.gatherRows(c2, cBlock)) {
                    be.gemmInPlace(alpha, ai, transposeA, bi, transposeB, beta, ci);
                    be.scatterAddRowsInPlace(result, cBlock, ci);
                }
            }
            be.copyInPlace(result, c2);
        }
    }

    /** The rank-3 tensor's matrices stacked as one matrix {@code [count*rows, cols]}. */
    private static Shape rows(Tensor t) {
        return Shape.matrix(t.shape().dim(0) * t.shape().dim(1), t.shape().dim(2));
    }

    private static int[] block(int i, int rows) {
        int[] r = new int[rows];
        for (int k = 0; k < rows; k++) {
            r[k] = i * rows + k;
        }
        return r;
    }
}
