package org.optopt.tasks.nn;

import java.util.SplittableRandom;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Conv;
import org.optopt.tasks.autodiff.ConvAlgorithm;
import org.optopt.tasks.autodiff.ImageShape;
import org.optopt.tasks.autodiff.Var;

/**
 * A 2-D convolution layer over images in the NHWC matrix layout ({@link ImageShape}); its weight is
 * {@code [outChannels, k*k*inChannels]} with columns ordered (ky, kx, channel).
 */
public final class Conv2d {
    private final String name;
    private final Parameter weight;
    private final Parameter bias;
    private final int inChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final ConvAlgorithm algorithm;

    /**
     * Creates {@code name.weight} and {@code name.bias}; fan-in and fan-out count the kernel taps. The
     * algorithm is the one the {@value ConvAlgorithm#PROPERTY} system property names (default
     * {@link ConvAlgorithm#AUTO}).
     */
    public Conv2d(ParameterStore params, String name, int inChannels, int outChannels, int kernel, int stride,
            int padding, Init init, SplittableRandom seeds) {
        this(params, name, inChannels, outChannels, kernel, stride, padding, init, seeds,
                ConvAlgorithm.fromSystemProperty());
    }

    /** As above, computing the convolution by {@code algorithm}. */
    public Conv2d(ParameterStore params, String name, int inChannels, int outChannels, int kernel, int stride,
            int padding, Init init, SplittableRandom seeds, ConvAlgorithm algorithm) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0) {
            throw new IllegalArgumentException("Conv2d " + name + ": channels " + inChannels + " -> " + outChannels
                    + " and kernel " + kernel + " must be positive");
        }
        int fanIn = kernel * kernel * inChannels;
        int fanOut = kernel * kernel * outChannels;
        this.weight = params.add(name + ".weight",
                init.weight(params.backend(), Shape.matrix(outChannels, fanIn), fanIn, fanOut, seeds.nextLong()));
        this.bias = params.add(name + ".bias",
                init.bias(params.backend(), Shape.vector(outChannels), fanIn, seeds.nextLong()));
        this.name = name;
        this.inChannels = inChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.algorithm = java.util.Objects.requireNonNull(algorithm, "algorithm");
    }

    /** The layout of the output for input layout {@code in}. */
    public ImageShape outputShape(ImageShape in) {
        return Conv.outputShape(in, kernel, kernel, stride, padding, weight.value().shape().dim(0));
    }

    /** This layer's count on images of layout {@code in}; {@code inputGradient} false where its input is data. */
    public Flops.Layer flops(ImageShape in, boolean inputGradient) {
        ImageShape out = outputShape(in);
        return Flops.conv(name, out.height(), out.width(), kernel, kernel, inChannels, out.channels(), inputGradient);
    }

    /** The convolution of images {@code x} of layout {@code in}. */
    public Var forward(Var x, ImageShape in) {
        if (in.channels() != inChannels) {
            throw new IllegalArgumentException("Conv2d expects " + inChannels + " input channels, got " + in);
        }
        return Conv.conv2d(x, in, ParameterStore.bind(x.tape(), weight), ParameterStore.bind(x.tape(), bias), kernel,
                kernel, stride, padding, algorithm);
    }
}
