package org.optopt.tasks.autodiff;

import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/** Reshaping and row selection: views, {@link Backend#gatherRows} and its adjoint {@link Backend#scatterAddRowsInPlace}. */
public final class Shapes {
    private Shapes() {}

    /** {@code x} with another shape of the same size (a view; the gradient is reshaped back). */
    public static Var reshape(Var x, Shape shape) {
        Tape tape = x.tape();
        if (shape.size() != x.shape().size()) {
            throw new IllegalArgumentException("reshape: cannot view shape " + x.shape() + " as " + shape);
        }
        Tensor y = tape.view(x.value(), shape);
        return tape.result(y, g -> tape.adoptGradient(x, g), x);
    }

    /**
     * Rows {@code rows[i]} of a matrix {@code x} ({@code [n, c]}), as a {@code [rows.length, c]}
     * matrix (an embedding lookup when {@code x} is a table). The gradient scatters back:
     * {@code gx[rows[i]] += g[i]}, repeated rows accumulating.
     */
    public static Var gatherRows(Var x, int[] rows) {
        Tape tape = x.tape();
        x.shape().requireRank(2, "gatherRows table");
        int[] idx = rows.clone();
        Tensor y = tape.lease(Shape.matrix(idx.length, x.shape().dim(1)));
        tape.backend().gatherRowsInPlace(x.value(), idx, y);
        return tape.result(y, g -> tape.backend().scatterAddRowsInPlace(tape.gradOf(x), idx, g), x);
    }
}
