package org.optopt.tasks.autodiff;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/** Softmax, log-softmax and the negative log-likelihood of integer class labels. */
public final class Losses {
    private Losses() {}

    /**
     * Row-wise {@code log softmax} of a matrix {@code [n, c]}:
     * {@code y = (x - max) - log sum exp(x - max)}. Gradient: {@code gx += g - softmax(x) * rowsum(g)}.
     */
    public static Var logSoftmax(Var x) {
        Tape tape = x.tape();
        Backend be = tape.backend();
        x.shape().requireRank(2, "logSoftmax input");
        Shape column = Shape.matrix(x.shape().dim(0), 1);
        Tensor shifted = shiftedByRowMax(tape, x.value());
        Tensor sumExp = tape.own(be.reduce(ReduceOp.SUM, tape.own(be.map(UnaryOp.EXP, shifted)), 1));
        Tensor logSum = tape.view(tape.own(be.map(UnaryOp.LOG, sumExp)), column);
        Tensor y = tape.own(be.zip(BinaryOp.SUB, shifted, logSum));
        return tape.result(y, g -> {
            Tensor gx = tape.gradOf(x);
            Tensor rowSum = tape.view(tape.own(be.reduce(ReduceOp.SUM, g, 1)), column);
            Tensor p = tape.own(be.map(UnaryOp.EXP, y));
            be.axpyInPlace(1f, g, gx);
            be.axpyInPlace(-1f, tape.own(be.zip(BinaryOp.MUL, p, rowSum)), gx);
        }, x);
    }

    /**
     * Row-wise softmax of a matrix {@code [n, c]}: {@code y = exp(x - max) / sum exp(x - max)}.
     * Gradient: {@code gx += y*g - y * rowsum(y*g)}.
     */
    public static Var softmax(Var x) {
        Tape tape = x.tape();
        Backend be = tape.backend();
        x.shape().requireRank(2, "softmax input");
        Shape column = Shape.matrix(x.shape().dim(0), 1);
        Tensor e = tape.own(be.map(UnaryOp.EXP, shiftedByRowMax(tape, x.value())));
        Tensor sum = tape.view(tape.own(be.reduce(ReduceOp.SUM, e, 1)), column);
        Tensor y = tape.own(be.zip(BinaryOp.DIV, e, sum));
        return tape.result(y, g -> {
            Tensor gx = tape.gradOf(x);
            Tensor yg = tape.own(be.zip(BinaryOp.MUL, y, g));
            Tensor rowSum = tape.view(tape.own(be.reduce(ReduceOp.SUM, yg, 1)), column);
            be.axpyInPlace(1f, yg, gx);
            be.axpyInPlace(-1f, tape.own(be.zip(BinaryOp.MUL, y, rowSum)), gx);
        }, x);
    }

    private static Tensor shiftedByRowMax(Tape tape, Tensor x) {
        Backend be = tape.backend();
        Tensor max = tape.view(tape.own(be.reduce(ReduceOp.MAX, x, 1)), Shape.matrix(x.shape().dim(0), 1));
        return tape.own(be.zip(BinaryOp.SUB, x, max));
    }

    /**
     * The mean negative log-likelihood {@code -(1/n) sum_i logp[i, labels[i]]} of a matrix of
     * log-probabilities {@code [n, c]}, as a scalar. Gradient: {@code -1/n} at each labelled entry
     * (scattered with {@link Backend#scatterAddRowsInPlace}).
     *
     * @throws IllegalArgumentException if the label count differs from n or a label is outside [0, c)
     */
    public static Var nll(Var logp, int[] labels) {
        Tape tape = logp.tape();
        Backend be = tape.backend();
        logp.shape().requireRank(2, "nll input");
        int n = logp.shape().dim(0);
        int c = logp.shape().dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("nll: " + labels.length + " labels for " + n + " rows");
        }
        int[] flat = new int[n];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("nll: label " + labels[i] + " at position " + i
                        + " is outside [0, " + c + ")");
            }
            flat[i] = i * c + labels[i];
        }
        Shape elements = Shape.matrix(n * c, 1);
        Tensor picked = tape.own(be.gatherRows(tape.view(logp.value(), elements), flat));
        Tensor y = tape.lease(Shape.scalar());
        be.fillInPlace(y, (float) (-be.sum(picked) / n));
        return tape.result(y, g -> {
            Tensor values = tape.own(be.full(Shape.matrix(n, 1), -g.item() / n));
            be.scatterAddRowsInPlace(tape.view(tape.gradOf(logp), elements), flat, values);
        }, logp);
    }

    /** The mean cross-entropy of logits {@code [n, c]} against integer labels: {@code nll(logSoftmax(x))}. */
    public static Var crossEntropy(Var logits, int[] labels) {
        return nll(logSoftmax(logits), labels);
    }
}
