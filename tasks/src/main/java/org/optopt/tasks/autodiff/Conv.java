package org.optopt.tasks.autodiff;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * 2-D convolution and max-pooling of images in the NHWC matrix layout of {@link ImageShape}.
 *
 * <p>Convolution is im2col as a gather followed by one matrix product: the input gets one extra
 * zero row ({@link Shapes#padRows}); a precomputed index map lists, for every output pixel and
 * every kernel tap (ky, kx), the input row it reads (the zero row where the tap falls into the
 * padding); {@link Shapes#gatherRows} builds the patch matrix {@code [outRows, kh*kw*c]} and
 * {@link Linalg#affine} multiplies it by the weight {@code [outChannels, kh*kw*c]} (columns ordered
 * ky, kx, channel). All gradients follow from those three differentiable operations.
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
        if (!x.shape().equals(in.matrix())) {
            throw new IllegalArgumentException("conv2d: input shape " + x.shape() + " does not match " + in);
        }
        int taps = kernelH * kernelW;
        if (!weight.shape().equals(Shape.matrix(weight.shape().dim(0), taps * in.channels()))) {
            throw new IllegalArgumentException("conv2d: weight shape " + weight.shape() + " needs "
                    + taps * in.channels() + " columns (" + kernelH + "x" + kernelW + "x" + in.channels() + ")");
        }
        ImageShape out = outputShape(in, kernelH, kernelW, stride, padding, weight.shape().dim(0));
        Window window = new Window(in, kernelH, kernelW, stride, padding);
        int[] map = x.tape().memo(window, Conv::patchRows);
        Var patches = Shapes.gatherRows(Shapes.padRows(x, 1), map);
        Var cols = Shapes.reshape(patches, Shape.matrix(out.rows(), taps * in.channels()));
        return Linalg.affine(cols, weight, bias);
    }

    private record Window(ImageShape in, int kernelH, int kernelW, int stride, int padding) {}

    /** For output pixel p and tap t, entry {@code p*taps + t} is the input row read (or the zero row). */
    private static int[] patchRows(Window w) {
        ImageShape in = w.in();
        ImageShape out = outputShape(in, w.kernelH(), w.kernelW(), w.stride(), w.padding(), 1);
        int zeroRow = in.rows();
        int taps = w.kernelH() * w.kernelW();
        int[] map = new int[out.rows() * taps];
        int k = 0;
        for (int n = 0; n < in.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            int iy = oy * w.stride() - w.padding() + ky;
                            int ix = ox * w.stride() - w.padding() + kx;
                            boolean inside = iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width();
                            map[k++] = inside ? in.row(n, iy, ix) : zeroRow;
                        }
                    }
                }
            }
        }
        return map;
    }

    /**
     * Max-pooling over {@code size x size} windows moved by {@code stride}, without padding (the
     * output size is rounded down). The window's values are gathered as {@code size^2} matrices; a
     * fused kernel takes their maximum, and its adjoint routes the gradient to the first maximal
     * entry of each window (row-major order, as PyTorch), scattered back with
     * {@link Backend#scatterAddRowsInPlace}.
     */
    public static Var maxPool2d(Var x, ImageShape in, int size, int stride) {
        Tape tape = x.tape();
        Backend be = tape.backend();
        if (!x.shape().equals(in.matrix())) {
            throw new IllegalArgumentException("maxPool2d: input shape " + x.shape() + " does not match " + in);
        }
        ImageShape out = outputShape(in, size, size, stride, 0, in.channels());
        int[][] maps = tape.memo(new Window(in, size, size, stride, 0), Conv::windowSlots);
        PoolKernels kernels = tape.memo(new PoolKey(maps.length), k -> PoolKernels.of(k.slots()));
        Tensor xv = x.value();
        Object[] forward = new Object[2 * maps.length + 2];
        Tensor[] slots = new Tensor[maps.length];
        for (int j = 0; j < maps.length; j++) {
            slots[j] = tape.own(be.gatherRows(xv, maps[j]));
            forward[2 * j] = "w" + j;
            forward[2 * j + 1] = slots[j];
        }
        Tensor y = tape.lease(out.matrix());
        forward[2 * maps.length] = "y";
        forward[2 * maps.length + 1] = y;
        tape.run(kernels.forward(), forward);
        return tape.result(y, g -> {
            Object[] backward = new Object[4 * maps.length + 4];
            Tensor[] grads = new Tensor[maps.length];
            for (int j = 0; j < maps.length; j++) {
                grads[j] = tape.lease(out.matrix());
                backward[4 * j] = "w" + j;
                backward[4 * j + 1] = slots[j];
                backward[4 * j + 2] = "g" + j;
                backward[4 * j + 3] = grads[j];
            }
            backward[4 * maps.length] = "y";
            backward[4 * maps.length + 1] = y;
            backward[4 * maps.length + 2] = "gy";
            backward[4 * maps.length + 3] = g;
            tape.run(kernels.backward(), backward);
            Tensor gx = tape.gradOf(x);
            for (int j = 0; j < maps.length; j++) {
                be.scatterAddRowsInPlace(gx, maps[j], grads[j]);
            }
        }, x);
    }

    private record PoolKey(int slots) {}

    /** For slot (ky, kx) of the window, the input row of each output pixel. */
    private static int[][] windowSlots(Window w) {
        ImageShape in = w.in();
        ImageShape out = outputShape(in, w.kernelH(), w.kernelW(), w.stride(), 0, in.channels());
        int[][] maps = new int[w.kernelH() * w.kernelW()][out.rows()];
        for (int n = 0; n < in.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    int p = out.row(n, oy, ox);
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            maps[ky * w.kernelW() + kx][p] = in.row(n, oy * w.stride() + ky, ox * w.stride() + kx);
                        }
                    }
                }
            }
        }
        return maps;
    }

    /** The fused forward ({@code y = max_j w_j}) and backward (first maximum takes gy) kernels. */
    private record PoolKernels(Kernel forward, Kernel backward) {
        static PoolKernels of(int slots) {
            Expr max = buffer("w0");
            for (int j = 1; j < slots; j++) {
                max = max.max(buffer("w" + j));
            }
            Kernel forward = Kernel.builder("maxpool" + slots + "_forward").store("y", max).build();
            Kernel.Builder b = Kernel.builder("maxpool" + slots + "_backward");
            Expr taken = Expr.zero();
            for (int j = 0; j < slots; j++) {
                Expr atMax = new Expr.Binary(BinaryOp.GE, buffer("w" + j), buffer("y"));
                b.let("hit" + j, atMax.times(Expr.one().minus(taken)));
                b.store("g" + j, Expr.select(local("hit" + j), buffer("gy"), Expr.zero()));
                taken = taken.plus(local("hit" + j));
            }
            return new PoolKernels(forward, b.build());
        }
    }
}
