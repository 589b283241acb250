package org.optopt.tasks.autodiff;

import org.optopt.api.backend.Backend;
import org.optopt.api.backend.ImageWindow;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * 2-D convolution and max-pooling of images in the NHWC matrix layout of {@link ImageShape},
 * through the backend's window primitives ({@link Backend#im2colInPlace} and its adjoint
 * {@link Backend#col2imAddInPlace}, {@link Backend#maxPoolInPlace} and
 * {@link Backend#maxPoolBackwardAddInPlace}).
 *
 * <p>Convolution is im2col into a pooled patch matrix ({@code [outRows, kh*kw*c]}, columns ordered
 * ky, kx, channel) followed by {@link Linalg#affine} with the weight {@code [outChannels, kh*kw*c]};
 * the patches' gradient goes back to the input by col2im. Stride-1 convolutions with square kernels
 * can instead run by Winograd minimal filtering ({@link Winograd}, chosen by {@link ConvAlgorithm}).
 */
public final class Conv {
    private Conv() {}

    /** The output layout of a convolution or pooling window sweep. */
    public static ImageShape outputShape(ImageShape in, int kernelH, int kernelW, int stride, int padding,
            int outChannels) {
        if (kernelH <= 0 || kernelW <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Invalid window: kernel " + kernelH + "x" + kernelW + ", stride "
                    + stride + ", padding " + padding);
        }
        int oh = (in.height() + 2 * padding - kernelH) / stride + 1;
        int ow = (in.width() + 2 * padding - kernelW) / stride + 1;
        if (in.height() + 2 * padding < kernelH || in.width() + 2 * padding < kernelW) {
            throw new IllegalArgumentException("Kernel " + kernelH + "x" + kernelW + " does not fit " + in
                    + " with padding " + padding);
        }
        return new ImageShape(in.batch(), oh, ow, outChannels);
    }

    /**
     * Cross-correlation (as in every deep-learning library) of images {@code x} (layout {@code in})
     * with {@code weight} ({@code [outChannels, kernelH*kernelW*in.channels]}) plus {@code bias}
     * ({@code [outChannels]}, or null), zero padding on all sides.
     *
     * @return the output in the layout {@link #outputShape}
     */
    public static Var conv2d(Var x, ImageShape in, Var weight, Var bias, int kernelH, int kernelW, int stride,
            int padding) {
        return conv2d(x, in, weight, bias, kernelH, kernelW, stride, padding, ConvAlgorithm.IM2COL);
    }

    /**
     * {@link #conv2d(Var, ImageShape, Var, Var, int, int, int, int)} by the given algorithm:
     * {@link Winograd} for {@link ConvAlgorithm.Kind#WINOGRAD} (square kernels and stride 1; im2col
     * for any other geometry) and for {@link ConvAlgorithm.Kind#AUTO} where {@link Winograd#pays},
     * im2col otherwise. The algorithms differ only in float rounding.
     */
    public static Var conv2d(Var x, ImageShape in, Var weight, Var bias, int kernelH, int kernelW, int stride,
            int padding, ConvAlgorithm algorithm) {
        if (!x.shape().equals(in.matrix())) {
            throw new IllegalArgumentException("conv2d: input shape " + x.shape() + " does not match " + in);
        }
        int taps = kernelH * kernelW;
        if (!weight.shape().equals(Shape.matrix(weight.shape().dim(0), taps * in.channels()))) {
            throw new IllegalArgumentException("conv2d: weight shape " + weight.shape() + " needs "
                    + taps * in.channels() + " columns (" + kernelH + "x" + kernelW + "x" + in.channels() + ")");
        }
        boolean square = kernelH == kernelW && stride == 1;
        boolean winograd = switch (algorithm.kind()) {
            case WINOGRAD -> square;
            case AUTO -> Winograd.pays(in, kernelH, kernelW, stride);
            case IM2COL -> false;
        };
        if (winograd) {
            int tile = algorithm.outputTile() > 0 ? algorithm.outputTile() : Winograd.outputTile(kernelH);
            return Winograd.conv2d(x, in, weight, bias, kernelH, padding, tile);
        }
        Tape tape = x.tape();
        Backend be = tape.backend();
        ImageWindow window = window(in, kernelH, kernelW, stride, padding);
        Tensor patches = tape.lease(window.patchShape());
        be.im2colInPlace(x.value(), window, patches);
        Var cols = tape.result(patches, g -> be.col2imAddInPlace(g, window, tape.gradOf(x)), x);
        return Linalg.affine(cols, weight, bias);
    }

    private static ImageWindow window(ImageShape in, int kernelH, int kernelW, int stride, int padding) {
        return new ImageWindow(in.batch(), in.height(), in.width(), in.channels(), kernelH, kernelW, stride, padding);
    }

    /**
     * Max-pooling over {@code size x size} windows moved by {@code stride}, without padding (the
     * output size is rounded down). The gradient goes to the first maximal entry of each window
     * (row-major order, as PyTorch).
     */
    public static Var maxPool2d(Var x, ImageShape in, int size, int stride) {
        Tape tape = x.tape();
        Backend be = tape.backend();
        if (!x.shape().equals(in.matrix())) {
            throw new IllegalArgumentException("maxPool2d: input shape " + x.shape() + " does not match " + in);
        }
        ImageWindow window = window(in, size, size, stride, 0);
        Tensor xv = x.value();
        Tensor y = tape.lease(window.pooledShape());
        be.maxPoolInPlace(xv, window, y);
        return tape.result(y, g -> be.maxPoolBackwardAddInPlace(xv, window, y, g, tape.gradOf(x)), x);
    }
}
