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
    public record State(Var h, Var c) {}

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

    /** One time step from input {@code x [n, in]} and the previous state. */
    public State step(Var x, State previous) {
        var tape = x.tape();
        Var gates = Elementwise.add(
                Linalg.affine(x, ParameterStore.bind(tape, inputWeight), ParameterStore.bind(tape, bias)),
                Linalg.matmul(previous.h(), false, ParameterStore.bind(tape, recurrentWeight), true));
        Var i = Elementwise.sigmoid(Shapes.columnBlock(gates, 4, 0));
        Var f = Elementwise.sigmoid(Shapes.columnBlock(gates, 4, 1));
        Var g = Elementwise.tanh(Shapes.columnBlock(gates, 4, 2));
        Var o = Elementwise.sigmoid(Shapes.columnBlock(gates, 4, 3));
        Var c = Elementwise.add(Elementwise.mul(f, previous.c()), Elementwise.mul(i, g));
        Var h = Elementwise.mul(o, Elementwise.tanh(c));
        return new State(h, c);
    }
}
