package org.optopt.tasks.nn;

import java.util.SplittableRandom;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Var;

/**
 * One LSTM layer, composed from autodiff operations (PyTorch's gate order i, f, g, o):
 * <pre>
 * z = x W_ih^T + b + h W_hh^T          (stacked gates, [n, 4H])
 * i = sigmoid(z_0), f = sigmoid(z_1), g = tanh(z_2), o = sigmoid(z_3)
 * c' = f*c + i*g,   h' = o*tanh(c')
 * </pre>
 * with one bias (PyTorch's two biases {@code b_ih + b_hh} are the same family).
 */
public final class Lstm {
    /** The recurrent state of a batch: hidden output and cell, each {@code [n, H]}. */
    private record State(Var h, Var c) {}

    private final Parameter inputWeight;
    private final Parameter recurrentWeight;
    private final Parameter bias;
    private final int hidden;

    /** Creates {@code name.weight_ih [4H, in]}, {@code name.weight_hh [4H, H]} and {@code name.bias [4H]}. */
    public Lstm(ParameterStore params, String name, int inputSize, int hidden, Init init, SplittableRandom seeds) {
        if (inputSize <= 0 || hidden <= 0) {
            throw new IllegalArgumentException("Lstm " + name + ": sizes must be positive, got " + inputSize + ", "
                    + hidden);
        }
        this.hidden = hidden;
        this.inputWeight = params.add(name + ".weight_ih",
                init.weight(params.backend(), Shape.matrix(4 * hidden, inputSize), hidden, 4 * hidden, seeds.nextLong()));
        this.recurrentWeight = params.add(name + ".weight_hh",
                init.weight(params.backend(), Shape.matrix(4 * hidden, hidden), hidden, 4 * hidden, seeds.nextLong()));
        this.bias = params.add(name + ".bias",
                init.bias(params.backend(), Shape.vector(4 * hidden), hidden, seeds.nextLong()));
    }

    /** The hidden size H. */
    public int hidden() {
        return hidden;
    }

    /** This layer's count over {@code steps} time steps (its input always needs a gradient in a {@link CharLstm}). */
    Flops.Layer flops(String name, int steps) {
        return Flops.lstm(name, inputWeight.value().shape().dim(1), hidden, steps, true);
    }

    /**
     * The layer over a batch of {@code n} sequences of {@code steps} time steps from the zero state:
     * {@code xs} is {@code [steps*n, in]} with row {@code t*n + i} holding sequence i at step t; the
     * result holds the hidden outputs in the same layout, {@code [steps*n, H]}. The input
     * projections of all steps (with the bias) are one matrix product {@code xs W_ih^T + b}, and each
     * step adds its slice to {@code h W_hh^T} (skipped at the first step, whose state is zero).
     */
    public Var sequence(Var xs, int steps) {
        var tape = xs.tape();
        xs.shape().requireRank(2, "Lstm.sequence input");
        int rows = xs.shape().dim(0);
        if (steps <= 0 || rows % steps != 0) {
            throw new IllegalArgumentException("Lstm.sequence: " + rows + " input rows are not " + steps
                    + " steps of equal batches");
        }
        int n = rows / steps;
        Var projections = Shapes.reshape(
                Linalg.affine(xs, ParameterStore.bind(tape, inputWeight), ParameterStore.bind(tape, bias)),
                Shape.matrix(steps, n * 4 * hidden));
        Var recurrent = ParameterStore.bind(tape, recurrentWeight);
        Var c = tape.zeros(Shape.matrix(n, hidden));
        Var h = null;
        Var[] outputs = new Var[steps];
        for (int t = 0; t < steps; t++) {
            Var gates = Shapes.reshape(Shapes.gatherRows(projections, new int[] {t}), Shape.matrix(n, 4 * hidden));
            if (h != null) {
                gates = Elementwise.add(gates, Linalg.matmul(h, false, recurrent, true));
            }
            State next = cell(gates, c);
            h = next.h();
            c = next.c();
            outputs[t] = h;
        }
        return Shapes.concatRows(outputs);
    }

    /** The cell update from stacked gate pre-activations {@code [n, 4H]} and the previous cell. */
    private static State cell(Var gates, Var previousCell) {
        Var i = Elementwise.sigmoid(Shapes.columnBlock(gates, 4, 0));
        Var f = Elementwise.sigmoid(Shapes.columnBlock(gates, 4, 1));
        Var g = Elementwise.tanh(Shapes.columnBlock(gates, 4, 2));
        Var o = Elementwise.sigmoid(Shapes.columnBlock(gates, 4, 3));
        Var c = Elementwise.add(Elementwise.mul(f, previousCell), Elementwise.mul(i, g));
        Var h = Elementwise.mul(o, Elementwise.tanh(c));
        return new State(h, c);
    }
}
