package org.optopt.optimizers;

import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.tensor.Tensor;

/**
 * Detection of NaN and infinite elements, the one mechanism every optimizer uses: the term
 * {@code x*0} is 0 for a finite element and NaN otherwise, so its maximum (or sum) over a tensor is
 * NaN exactly when an element is non-finite. A maximum vectorizes in compiled backends; elements
 * are counted on the host only to word an error.
 */
public final class NonFinite {
    private NonFinite() {}

    /** {@code x*0}: 0 for a finite element, NaN otherwise. */
    public static Expr term(Expr x) {
        return x.times(Expr.zero());
    }

    /** A kernel whose reduction {@code reduction} is NaN if an element of {@code buffer} is non-finite, else 0. */
    public static Kernel check(String buffer, String reduction) {
        return Kernel.builder("non_finite_" + buffer).reduce(reduction, ReduceOp.MAX, term(Expr.buffer(buffer))).build();
    }

    /** Whether a reduction of {@link #term}s saw a non-finite element. */
    public static boolean seen(double reduction) {
        return Double.isNaN(reduction);
    }

    /** The number of non-finite elements of {@code t} (a host copy; for error messages only). */
    public static long count(Tensor t) {
        long n = 0;
        for (float v : t.toArray()) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }
}
