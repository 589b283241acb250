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
        Tensor y = tape.own(tape.backend().gatherRows(x.value(), idx));
        return tape.result(y, g -> tape.backend().scatterAddRowsInPlace(tape.gradOf(x), idx, g), x);
    }

    /**
     * Column block {@code index} of {@code count} equal blocks of a matrix {@code x}
     * ({@code [n, count*w]} to {@code [n, w]}), e.g. one gate of an LSTM's stacked gates. It is
     * {@link #gatherRows} of rows {@code i*count + index} of {@code x} viewed as {@code [n*count, w]}.
     */
    public static Var columnBlock(Var x, int count, int index) {
        x.shape().requireRank(2, "columnBlock input");
        int n = x.shape().dim(0);
        int cols = x.shape().dim(1);
        if (count <= 0 || cols % count != 0 || index < 0 || index >= count) {
            throw new IllegalArgumentException("columnBlock: cannot take block " + index + " of " + count
                    + " from shape " + x.shape());
        }
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i * count + index;
        }
        return gatherRows(reshape(x, Shape.matrix(n * count, cols / count)), rows);
    }

    /**
     * The matrices {@code parts} (equal column counts) stacked row-wise, first part first. Each
     * part's gradient is its block of rows of the result's gradient.
     */
    public static Var concatRows(Var... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concatRows: no parts");
        }
        Tape tape = parts[0].tape();
        Backend be = tape.backend();
        int cols = parts[0].shape().dim(1);
        int[][] rows = new int[parts.length][];
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            parts[p].shape().requireRank(2, "concatRows part");
            if (parts[p].shape().dim(1) != cols) {
                throw new IllegalArgumentException("concatRows: part " + p + " has shape " + parts[p].shape()
                        + ", part 0 has " + cols + " columns");
            }
            rows[p] = new int[parts[p].shape().dim(0)];
            for (int i = 0; i < rows[p].length; i++) {
                rows[p][i] = total + i;
            }
            total += rows[p].length;
        }
        Tensor y = tape.leaseZeros(Shape.matrix(total, cols));
        for (int p = 0; p < parts.length; p++) {
            be.scatterAddRowsInPlace(y, rows[p], parts[p].value());
        }
        return tape.result(y, g -> {
            for (int p = 0; p < parts.length; p++) {
                if (parts[p].requiresGrad()) {
                    tape.adoptGradient(parts[p], tape.own(be.gatherRows(g, rows[p])));
                }
            }
        }, parts);
    }
}
