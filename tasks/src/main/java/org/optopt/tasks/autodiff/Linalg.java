package org.optopt.tasks.autodiff;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * Matrix products through {@link Backend#gemmInPlace}: transposes are folded into the product,
 * never materialized, and gradients accumulate with {@code beta = 1} (or are written with
 * {@code beta = 0} where the product is the first contribution, see {@link Tape#gradSink}).
 */
public final class Linalg {
    private Linalg() {}

    /** {@code a b} for matrices. */
    public static Var matmul(Var a, Var b) {
        return matmul(a, false, b, false);
    }

    /**
     * {@code op(a) op(b)} where op transposes when asked. Gradients, with {@code G} the gradient of
     * the result: for {@code a} (untransposed) {@code G op(b)^T}, transposed {@code op(b) G^T}; for
     * {@code b} (untransposed) {@code op(a)^T G}, transposed {@code G^T op(a)}.
     */
    public static Var matmul(Var a, boolean transposeA, Var b, boolean transposeB) {
        return product(a, transposeA, b, transposeB, 2, a.tape().backend()::gemmInPlace);
    }

    /**
     * A batch of products over rank-3 values {@code [count, rows, cols]}: {@code op(a[i]) op(b[i])}
     * for every i ({@link Backend#gemmBatchedInPlace}), with the gradients of {@link #matmul} per matrix.
     */
    public static Var batchedMatmul(Var a, boolean transposeA, Var b, boolean transposeB) {
        return product(a, transposeA, b, transposeB, 3, a.tape().backend()::gemmBatchedInPlace);
    }

    /** {@link Backend#gemmInPlace} or {@link Backend#gemmBatchedInPlace}. */
    @FunctionalInterface
    private interface Gemm {
        void run(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, float beta, Tensor c);
    }

    private static Var product(Var a, boolean transposeA, Var b, boolean transposeB, int rank, Gemm gemm) {
        Tape tape = a.tape();
        tape.checkCurrent(b);
        Tensor av = a.value();
        Tensor bv = b.value();
        av.shape().requireRank(rank, "matmul left operand");
        bv.shape().requireRank(rank, "matmul right operand");
        int m = transposeA ? av.shape().dim(rank - 1) : av.shape().dim(rank - 2);
        int n = transposeB ? bv.shape().dim(rank - 2) : bv.shape().dim(rank - 1);
        Tensor c = tape.lease(rank == 2 ? Shape.matrix(m, n) : Shape.of(av.shape().dim(0), m, n));
        gemm.run(1f, av, transposeA, bv, transposeB, 0f, c);
        return tape.result(c, g -> {
            Tape.GradSink ga = tape.gradSink(a);
            if (ga != null) {
                if (transposeA) {
                    gemm.run(1f, bv, transposeB, g, true, ga.beta(), ga.tensor());
                } else {
                    gemm.run(1f, g, false, bv, !transposeB, ga.beta(), ga.tensor());
                }
            }
            Tape.GradSink gb = tape.gradSink(b);
            if (gb != null) {
                if (transposeB) {
                    gemm.run(1f, g, true, av, transposeA, gb.beta(), gb.tensor());
                } else {
                    gemm.run(1f, av, !transposeA, g, false, gb.beta(), gb.tensor());
                }
            }
        }, a, b);
    }

    /**
     * The affine map {@code y = x w^T + b} of a batch {@code x} ({@code [n, in]}) with a weight
     * {@code w} ({@code [out, in]}, PyTorch's layout) and a bias {@code b} ({@code [out]}, or null for
     * none). The bias is copied into every row of y ({@link #writeRows}) before the product adds
     * {@code x w^T}; its gradient is G's column sum ({@link #accumulateColumnSums}).
     */
    public static Var affine(Var x, Var w, Var b) {
        Tape tape = x.tape();
        tape.checkCurrent(w);
        Backend be = tape.backend();
        Tensor xv = x.value();
        Tensor wv = w.value();
        xv.shape().requireRank(2, "affine input");
        wv.shape().requireRank(2, "affine weight");
        int n = xv.shape().dim(0);
        int out = wv.shape().dim(0);
        Tensor y = tape.lease(Shape.matrix(n, out));
        if (b != null) {
            writeRows(b, y, "affine: bias of shape " + b.shape() + " does not match weight " + wv.shape());
            be.gemmInPlace(1f, xv, false, wv, true, 1f, y);
        } else {
            be.gemmInPlace(1f, xv, false, wv, true, 0f, y);
        }
        Tape.Backward backward = g -> {
            Tape.GradSink gx = tape.gradSink(x);
            if (gx != null) {
                be.gemmInPlace(1f, g, false, wv, false, gx.beta(), gx.tensor());
            }
            Tape.GradSink gw = tape.gradSink(w);
            if (gw != null) {
                be.gemmInPlace(1f, g, true, xv, false, gw.beta(), gw.tensor());
            }
            if (b != null) {
                accumulateColumnSums(g, b);
            }
        };
        return b == null ? tape.result(y, backward, x, w) : tape.result(y, backward, x, w, b);
    }

    /**
     * Writes the vector {@code b} ({@code [cols]}) into every row of {@code y} ({@code [rows, cols]}):
     * {@link Backend#gatherRowsInPlace} of b's one row, repeated. (The rank-one product
     * {@code 1_rows b^T} that this replaces ran at 4 GFLOP/s in OpenBLAS: 0.57 ms for char-rnn's
     * {@code [2500, 512]} projections, 0.12 ms as row copies.)
     *
     * @throws IllegalArgumentException with {@code mismatch} and the expected shape if b's length is not cols
     */
    static void writeRows(Var b, Tensor y, String mismatch) {
        Tape tape = b.tape();
        tape.checkCurrent(b);
        int cols = y.shape().dim(1);
        if (!b.shape().equals(Shape.vector(cols))) {
            throw new IllegalArgumentException(mismatch + " (expected [" + cols + "])");
        }
        tape.backend().gatherRowsInPlace(tape.view(b.value(), Shape.matrix(1, cols)), tape.zeroRows(y.shape().dim(0)),
                y);
    }

    /**
     * The gradient of {@link #writeRows}: adds the column sums of {@code g} to b's gradient (if it
     * needs one), summed in double by {@link Backend#reduce(ReduceOp, Tensor, int)}. (The product
     * {@code 1_rows^T g} that this replaces ran at 2.7 GFLOP/s: 0.94 ms for {@code [2500, 512]},
     * 0.22 ms as a reduction.)
     */
    static void accumulateColumnSums(Tensor g, Var b) {
        if (b.requiresGrad()) {
            Tape tape = b.tape();
            tape.accumulate(b, tape.own(tape.backend().reduce(ReduceOp.SUM, g, 0)));
        }
    }
}
