package org.optopt.tasks.nn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The floating-point operations of one training step per example, layer by layer: the model that
 * {@code bench task} turns into a roofline. A multiply-add counts 2; a comparison, a transcendental
 * or a scattered addition counts 1. What is counted per layer type:
 * <ul>
 *   <li><b>dense</b> {@code in -> out}: forward {@code 2 in out + out} (product and bias, if any);
 *       backward {@code 2 in out + out} (weight and bias gradients) plus {@code 2 in out} for the input
 *       gradient unless the input is data.</li>
 *   <li><b>conv</b> {@code kh x kw}, {@code c -> o} channels, {@code oh x ow} outputs: forward
 *       {@code 2 oh ow kh kw c o + oh ow o}; backward the same for the weight and bias gradients
 *       plus {@code 2 oh ow kh kw c o} for the input gradient unless the input is data.</li>
 *   <li><b>pool</b> (max over {@code k x k} windows, {@code oh x ow x c} outputs): forward
 *       {@code (k^2 - 1)} comparisons per output, backward {@code k^2} comparisons per output.</li>
 *   <li><b>lstm</b> {@code in -> H} over {@code T} steps: forward per step {@code 8 H (in + H)} for
 *       the gate products, {@code 4H} bias, {@code 5H} activations (three sigmoids, two tanh) and
 *       {@code 3H} for the cell and output products; backward per step the weight gradients
 *       {@code 8 H (in + H)}, the bias gradient {@code 4H}, the recurrent gradient {@code 8 H H}
 *       (not at the first step, whose state is the constant zero), the input gradient
 *       {@code 8 H in} unless the input is data, and {@code 13H} for the activations' and cell's
 *       derivatives.</li>
 *   <li><b>embedding</b> of width {@code e} over {@code T} lookups: forward 0 (a copy), backward
 *       {@code T e} (the scattered additions).</li>
 * </ul>
 * Elementwise activations between layers, softmax and the loss are not counted: they are linear
 * in the activations, not in the weights, and are a rounding error against the products above.
 *
 * @param layers the layers, input first
 */
public record Flops(List<Layer> layers) {
    /**
     * One layer's count per example, and the shape of its largest matrix product for a batch of one
     * ({@code rows x depth} times {@code depth x columns}; rows scale with the batch).
     *
     * @param name the layer's name, as its parameters are named
     * @param kind dense, conv, pool, lstm or embedding
     * @param forward FLOP of the forward pass per example
     * @param backward FLOP of the backward pass per example
     * @param rows rows of the largest product per example (0 for a layer without products)
     * @param depth inner dimension of that product
     * @param columns columns of that product
     */
    public record Layer(String name, String kind, long forward, long backward, int rows, int depth, int columns) {
        /** The layer applied {@code times} times per example (e.g. a read-out at every time step). */
        public Layer repeated(int times) {
            return new Layer(name, kind, forward * times, backward * times, rows * times, depth, columns);
        }
    }

    /** Copies the list. */
    public Flops {
        layers = List.copyOf(layers);
    }

    /** A model without layers (tasks that are not networks). */
    public static Flops none() {
        return new Flops(List.of());
    }

    /** A dense layer {@code in -> out}, with or without bias; {@code inputGradient} false where its input is data. */
    public static Layer dense(String name, int in, int out, boolean bias, boolean inputGradient) {
        long mac = 2L * in * out;
        long b = bias ? out : 0;
        return new Layer(name, "dense", mac + b, mac + b + (inputGradient ? mac : 0), 1, in, out);
    }

    /** A convolution with bias producing {@code outH x outW x outChannels} from {@code inChannels}. */
    public static Layer conv(String name, int outH, int outW, int kernelH, int kernelW, int inChannels,
            int outChannels, boolean inputGradient) {
        long pixels = (long) outH * outW;
        long mac = 2 * pixels * kernelH * kernelW * inChannels * outChannels;
        long bias = pixels * outChannels;
        return new Layer(name, "conv", mac + bias, mac + bias + (inputGradient ? mac : 0), outH * outW,
                kernelH * kernelW * inChannels, outChannels);
    }

    /** Max-pooling over {@code size x size} windows with {@code outH x outW x channels} outputs. */
    public static Layer pool(String name, int outH, int outW, int channels, int size) {
        long outputs = (long) outH * outW * channels;
        return new Layer(name, "pool", outputs * (size * size - 1), outputs * size * size, 0, 0, 0);
    }

    /** An LSTM layer {@code in -> hidden} run over {@code steps} time steps from the zero state. */
    public static Layer lstm(String name, int in, int hidden, int steps, boolean inputGradient) {
        long h = hidden;
        long gates = 8 * h * (in + h);
        long forward = steps * (gates + 4 * h + 5 * h + 3 * h);
        long backward = steps * (gates + 4 * h + 13 * h + (inputGradient ? 8 * h * in : 0))
                + (steps - 1) * 8 * h * h;
        return new Layer(name, "lstm", forward, backward, steps, in, 4 * hidden);
    }

    /** An embedding of width {@code width} looked up {@code lookups} times per example. */
    public static Layer embedding(String name, int width, int lookups) {
        return new Layer(name, "embedding", 0, (long) lookups * width, 0, 0, 0);
    }

    /** The layers of this model followed by {@code more}. */
    public Flops plus(Layer... more) {
        List<Layer> all = new ArrayList<>(layers);
        all.addAll(List.of(more));
        return new Flops(all);
    }

    /** Forward FLOP per example. */
    public long forward() {
        return layers.stream().mapToLong(Layer::forward).sum();
    }

    /** Backward FLOP per example. */
    public long backward() {
        return layers.stream().mapToLong(Layer::backward).sum();
    }

    /** Forward and backward FLOP per example. */
    public long total() {
        return forward() + backward();
    }

    /** The layer with the most FLOP among those with a matrix product (empty if none has one). */
    public Optional<Layer> dominant() {
        return layers.stream().filter(l -> l.rows() > 0)
                .max(Comparator.comparingLong(l -> l.forward() + l.backward()));
    }
}
