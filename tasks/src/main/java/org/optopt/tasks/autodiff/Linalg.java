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
        Tape tape = a.tape();
        tape.checkCurrent(b);
        Backend be = tape.backend();
        Tensor av = a.value();
        Tensor bv = b.value();
        av.shape().requireRank(2, "matmul left operand");
        bv.shape().requireRank(2, "matmul right operand");
        int m = transposeA ? av.shape().dim(1) : av.shape().dim(0);
        int n = transposeB ? bv.shape().dim(0) : bv.shape().dim(1);
        Tensor c = tape.lease(Shape.matrix(m, n));
        be.gemmInPlace(1f, av, transposeA, bv, transposeB, 0f, c);
        return tape.result(c, g -> {
            Tape.GradSink ga = tape.gradSink(a);
            if (ga != null) {
                if (transposeA) {
                    be.gemmInPlace(1f, bv, transposeB, g, true, ga.beta(), ga.tensor());
                } else {
                    be.gemmInPlace(1f, g, false, bv, !transposeB, ga.beta(), ga.tensor());
                }
            }
            Tape.GradSink gb = tape.gradSink(b);
            if (gb != null) {
                if (transposeB) {
                    be.gemmInPlace(1f, g, true, av, transposeA, gb.beta(), gb.tensor());
                } else {
                    be.gemmInPlace(1f, av, !transposeA, g, false, gb.beta(), gb.tensor());
                }
            }
        }, a, b);
    }

    /**
     * The affine map {@code y = x w^T + b} of a batch {@code x} ({@code [n, in]}) with a weight
     * {@code w} ({@code [out, in]}, PyTorch's layout) and a bias {@code b} ({@code [out]}, or null for
     * none). The bias is copied into every row of y ({@link Backend#gatherRowsInPlace} of its one
     * row) before the product adds {@code x w^T}; its gradient is G's column sum
     * ({@link Backend#reduce(ReduceOp, Tensor, int)}). Both were rank-one products {@code 1_n b^T}
     * and {@code G^T 1_n} before, which OpenBLAS ran at 3-4 GFLOP/s: 0.58 and 0.97 ms for
     * char-rnn's input projections ({@code [2500, 512]}) against 0.15 and 0.1 ms now.
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
            tape.checkCurrent(b);
            if (!b.shape().equals(Shape.vector(out))) {
                throw new IllegalArgumentException("affine: bias of shape " + b.shape() + " does not match weight "
                        + wv.shape() + " (expected [" + out + "])");
            }
            be.gatherRowsInPlace(tape.view(b.value(), Shape.matrix(1, out)), tape.zeroRows(n), y);
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
            if (b != null && b.requiresGrad()) {
                tape.accumulate(b, tape.own(be.reduce(ReduceOp.SUM, g, 0)));
            }
        };
        return b == null ? tape.result(y, backward, x, w) : tape.result(y, backward, x, w, b);
    }
}
