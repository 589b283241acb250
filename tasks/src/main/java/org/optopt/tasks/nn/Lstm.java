package org.optopt.tasks.nn;

import java.util.SplittableRandom;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Recurrent;
import org.optopt.tasks.autodiff.Var;

/**
 * One LSTM layer, composed from autodiff operations (PyTorch's gate order i, f, g, o):
 * <pre>
 * z = x W_ih^T + b + h W_hh^T          (stacked gates, [n, 4H])
 * i = sigmoid(z_0), f = sigmoid(z_1), g = tanh(z_2), o = sigmoid(z_3)
 * c' = f*c + i*g,   h' = o*tanh(c')
 * </pre>
 * with one bias (PyTorch's two biases {@code b_ih + b_hh} are the same family). The recurrence over
 * the sequence, with its fused cell kernels, is {@link Recurrent#lstm}.
 */
public final class Lstm {
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
     * projections of all steps (with the bias) are one matrix product ({@link #project}), then the
     * {@link #recurrence}.
     */
    public Var sequence(Var xs, int steps) {
        xs.shape().requireRank(2, "Lstm.sequence input");
        return recurrence(project(xs), steps);
    }

    /** The input projections {@code x W_ih^T + b} of every row of {@code x} ({@code [rows, in]} to {@code [rows, 4H]}). */
    public Var project(Var x) {
        var tape = x.tape();
        return Linalg.affine(x, ParameterStore.bind(tape, inputWeight), ParameterStore.bind(tape, bias));
    }

    /**
     * The recurrence from the zero state over input projections {@code [steps*n, 4H]} laid out as
     * {@link #sequence}'s input ({@link Recurrent#lstm}, with its fused cell kernels): each step adds
     * its block to {@code h W_hh^T} (skipped at the first step, whose state is zero).
     */
    public Var recurrence(Var projections, int steps) {
        return Recurrent.lstm(projections, ParameterStore.bind(projections.tape(), recurrentWeight), steps);
    }
}
