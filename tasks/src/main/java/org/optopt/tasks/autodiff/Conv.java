package org.optopt.tasks.autodiff;

import static org.optopt.api.kernel.Expr.buffer;

import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * 2-D convolution and max-pooling of images in the NHWC matrix layout of {@link ImageShape}.
 *
 * <p>Convolution is im2col in two gathers followed by one matrix product: the input gets one
 * extra zero row ({@link Shapes#padRows}); a first {@link Shapes#gatherRows} builds horizontal
 * strips (for every row of the vertically padded image and every output column, the {@code kw}
 * input pixels under the kernel's row, the zero row in the padding: {@code kw*c} values), a second
 * stacks {@code kh} strips into each output pixel's patch ({@code [outRows, kh*kw*c]}), and
 * {@link Linalg#affine} multiplies the patches by the weight {@code [outChannels, kh*kw*c]} (columns
 * ordered ky, kx, channel). All gradients follow from these differentiable operations. Two gathers
 * copy rows of {@code c} and of {@code kw*c} values where one gather would copy {@code kh*kw} rows
 * of {@code c} per output pixel: for a single input channel that is 5 rows of 1 and 5 rows of 5
 * values per pixel instead of 25 rows of 1, and rows are what a gather pays for.
 */
public final class Conv {
    /** {@code share = r * [w >= y]}: a slot's part of the remaining gradient. */
    private static final Kernel SLOT_SHARE = Kernel.builder("maxpool_slot_share")
            .store("share", buffer("r").times(new Expr.Binary(BinaryOp.GE, buffer("w"), buffer("y")))).build();
    /** {@code r = r - share}: what the later slots of the window may still take. */
    private static final Kernel DROP_SHARE = Kernel.builder("maxpool_drop_share")
            .store("r", buffer("r").minus(buffer("share"))).build();

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
        int paddedHeight = in.height() + 2 * padding;
        int[] across = x.tape().memo(new Across(window), k -> horizontalRows(k.window()));
        int[] down = x.tape().memo(new Down(window), k -> verticalRows(k.window()));
        Var strips = Shapes.reshape(Shapes.gatherRows(Shapes.padRows(x, 1), across),
                Shape.matrix(in.batch() * paddedHeight * out.width(), kernelW * in.channels()));
        Var cols = Shapes.reshape(Shapes.gatherRows(strips, down), Shape.matrix(out.rows(), taps * in.channels()));
        return Linalg.affine(cols, weight, bias);
    }

    private record Window(ImageShape in, int kernelH, int kernelW, int stride, int padding) {}

    private record Across(Window window) {}

    private record Down(Window window) {}

    /**
     * Stage one of im2col: for every row y of the vertically padded image, every output column ox
     * and every horizontal tap kx, the input row read (the zero row {@code in.rows()} in the padding).
     */
    private static int[] horizontalRows(Window w) {
        ImageShape in = w.in();
        ImageShape out = outputShape(in, w.kernelH(), w.kernelW(), w.stride(), w.padding(), 1);
        int paddedHeight = in.height() + 2 * w.padding();
        int zeroRow = in.rows();
        int[] map = new int[in.batch() * paddedHeight * out.width() * w.kernelW()];
        int k = 0;
        for (int n = 0; n < in.batch(); n++) {
            for (int yp = 0; yp < paddedHeight; yp++) {
                int iy = yp - w.padding();
                for (int ox = 0; ox < out.width(); ox++) {
                    for (int kx = 0; kx < w.kernelW(); kx++) {
                        int ix = ox * w.stride() - w.padding() + kx;
                        boolean inside = iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width();
                        map[k++] = inside ? in.row(n, iy, ix) : zeroRow;
                    }
                }
            }
        }
        return map;
    }

    /** Stage two: for every output pixel and vertical tap ky, the strip (row of stage one) read. */
    private static int[] verticalRows(Window w) {
        ImageShape in = w.in();
        ImageShape out = outputShape(in, w.kernelH(), w.kernelW(), w.stride(), w.padding(), 1);
        int paddedHeight = in.height() + 2 * w.padding();
        int[] map = new int[out.rows() * w.kernelH()];
        int k = 0;
        for (int n = 0; n < in.batch(); n++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        map[k++] = (n * paddedHeight + oy * w.stride() + ky) * out.width() + ox;
                    }
                }
            }
        }
        return map;
    }

    /**
     * Max-pooling over {@code size x size} windows moved by {@code stride}, without padding (the
     * output size is rounded down). The window's values are gathered as {@code size^2} matrices
     * ("slots") and one fused kernel takes their maximum. The gradient goes to the first maximal
     * entry of each window (row-major order, as PyTorch): a remainder {@code r}, initially the
     * output's gradient, passes the slots in order; slot j takes {@code r * [w_j >= y]} and the
     * remainder keeps {@code r - that}, so a later tie receives nothing. Each slot's share is
     * scattered back with {@link Backend#scatterAddRowsInPlace}. (Non-finite output gradients may
     * turn the later slots' shares into NaN, since {@code inf - inf} is NaN.)
     *
     * <p>Why two small kernels per slot rather than one kernel for all slots: the nd4j backend's
     * loops stop vectorizing once a kernel has several stores or many buffers; the fused form with
     * selects took 45-70 ms on the first pooling of fmnist-2c2d, the small kernels about 1 ms.
     */
    public static Var maxPool2d(Var x, ImageShape in, int size, int stride) {
        Tape tape = x.tape();
        Backend be = tape.backend();
        if (!x.shape().equals(in.matrix())) {
            throw new IllegalArgumentException("maxPool2d: input shape " + x.shape() + " does not match " + in);
        }
        ImageShape out = outputShape(in, size, size, stride, 0, in.channels());
        int[][] maps = tape.memo(new Window(in, size, size, stride, 0), Conv::windowSlots);
        Kernel forward = tape.memo(new PoolKey(maps.length), k -> maxOfSlots(k.slots()));
        Tensor xv = x.value();
        Object[] bindings = new Object[2 * maps.length + 2];
        Tensor[] slots = new Tensor[maps.length];
        for (int j = 0; j < maps.length; j++) {
            slots[j] = tape.own(be.gatherRows(xv, maps[j]));
            bindings[2 * j] = "w" + j;
            bindings[2 * j + 1] = slots[j];
        }
        Tensor y = tape.lease(out.matrix());
        bindings[2 * maps.length] = "y";
        bindings[2 * maps.length + 1] = y;
        tape.run(forward, bindings);
        return tape.result(y, g -> {
            Tensor gx = tape.gradOf(x);
            Tensor share = tape.lease(out.matrix());
            Tensor remainder = tape.lease(out.matrix());
            be.copyInPlace(g, remainder);
            for (int j = 0; j < maps.length; j++) {
                tape.run(SLOT_SHARE, "r", remainder, "w", slots[j], "y", y, "share", share);
                if (j + 1 < maps.length) {
                    tape.run(DROP_SHARE, "r", remainder, "share", share);
                }
                be.scatterAddRowsInPlace(gx, maps[j], share);
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

    /** The kernel {@code y = max_j w_j} over {@code slots} buffers. */
    private static Kernel maxOfSlots(int slots) {
        Expr max = buffer("w0");
        for (int j = 1; j < slots; j++) {
            max = max.max(buffer("w" + j));
        }
        return Kernel.builder("maxpool" + slots + "_forward").store("y", max).build();
    }
}
