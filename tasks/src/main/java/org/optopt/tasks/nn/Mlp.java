package org.optopt.tasks.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.UnaryFn;
import org.optopt.tasks.autodiff.Var;

/**
 * A multilayer perceptron: {@link Linear} layers {@code fc1, fc2, ...} of the given widths with an
 * activation after every hidden layer and, optionally, after the output layer (paper B's MNIST
 * network applies tanh to its logits too).
 */
public final class Mlp implements Network {
    private final List<Linear> layers = new ArrayList<>();
    private final UnaryFn hidden;
    private final UnaryFn output;

    /**
     * @param widths input width, hidden widths..., output width (at least two entries)
     * @param hidden activation after each hidden layer
     * @param output activation after the output layer, or null for none
     * @param seed initializes every layer (weights and biases in order) reproducibly
     */
    public Mlp(ParameterStore params, int[] widths, UnaryFn hidden, UnaryFn output, Init init, long seed) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("An MLP needs at least input and output widths, got "
                    + java.util.Arrays.toString(widths));
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i + 1 < widths.length; i++) {
            layers.add(new Linear(params, "fc" + (i + 1), widths[i], widths[i + 1], true, init, seeds));
        }
        this.hidden = hidden;
        this.output = output;
    }

    /** The network applied to a batch {@code [n, widths[0]]}. */
    @Override
    public Var forward(Var x) {
        Var h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            UnaryFn f = i + 1 < layers.size() ? hidden : output;
            if (f != null) {
                h = Elementwise.apply(f, h);
            }
        }
        return h;
    }

    /** Every layer as dense; the first one's input is data. */
    @Override
    public Flops flops() {
        Flops f = Flops.none();
        for (int i = 0; i < layers.size(); i++) {
            f = f.plus(layers.get(i).flops(i > 0));
        }
        return f;
    }
}
