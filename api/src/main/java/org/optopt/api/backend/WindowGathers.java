package org.optopt.api.backend;

import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * The window primitives of {@link Backend} ({@code im2colInPlace}, {@code col2imAddInPlace},
 * {@code maxPoolInPlace}, {@code maxPoolBackwardAddInPlace}) composed from its row gathers,
 * scatters and elementwise ops, so that every backend has them; {@link org.optopt.api.backend.support.HeapBackend} replaces them
 * by direct loops. Padding is a zero row appended to the images ({@code padded}); a window slot
 * outside the image reads it (convolution) or is skipped (pooling, whose padding never wins).
 */
public final class WindowGathers {
    private WindowGathers() {}

    /** {@link Backend#im2colInPlace} through one {@link Backend#gatherRows} of every patch's pixels. */
    public static void im2col(Backend be, Tensor images, ImageWindow w, Tensor patches) {
        ImageWindow.requireShape(images, w.imageShape(), "im2col images");
        ImageWindow.requireShape(patches, w.patchShape(), "im2col patches");
        try (Tensor padded = padded(be, images, w);
                Tensor gathered = be.gatherRows(padded, patchRows(w, w.batch() * w.height() * w.width()));
                Tensor view = be.reshape(gathered, w.patchShape())) {
            be.copyInPlace(view, patches);
        }
    }

    /** {@link Backend#col2imAddInPlace} through one {@link Backend#scatterAddRowsInPlace}. */
    public static void col2imAdd(Backend be, Tensor patches, ImageWindow w, Tensor images) {
        ImageWindow.requireShape(patches, w.patchShape(), "col2im patches");
        ImageWindow.requireShape(images, w.imageShape(), "col2im images");
        int pixels = w.batch() * w.height() * w.width();
        try (Tensor padded = be.zeros(Shape.matrix(pixels + 1, w.channels()));
                Tensor rows = be.reshape(patches,
                        Shape.matrix(w.outRows() * w.kernelH() * w.kernelW(), w.channels()))) {
            be.scatterAddRowsInPlace(padded, patchRows(w, pixels), rows);
            try (Tensor inside = be.gatherRows(padded, identity(pixels))) {
                be.axpyInPlace(1f, inside, images);
            }
        }
    }

    /** {@link Backend#maxPoolInPlace}: the maximum of the window's slots, each gathered as one matrix. */
    public static void maxPool(Backend be, Tensor images, ImageWindow w, Tensor out) {
        ImageWindow.requireShape(images, w.imageShape(), "maxPool images");
        ImageWindow.requireShape(out, w.pooledShape(), "maxPool output");
        int[][] slots = slotRows(w);
        Tensor max = be.full(w.pooledShape(), Float.NEGATIVE_INFINITY);
        try (Tensor padded = paddedWith(be, images, w, Float.NEGATIVE_INFINITY)) {
            for (int[] slot : slots) {
                try (Tensor values = be.gatherRows(padded, slot)) {
                    Tensor next = be.zip(BinaryOp.MAX, max, values);
                    max.close();
                    max = next;
                }
            }
            be.copyInPlace(max, out);
        } finally {
            max.close();
        }
    }

    /**
     * {@link Backend#maxPoolBackwardAddInPlace}: a remainder {@code r}, initially the output's
     * gradient, passes the slots in order; a slot holding the maximum takes {@code r}, which then
     * drops to zero, so only the first maximal slot of a window receives the gradient.
     */
    public static void maxPoolBackwardAdd(Backend be, Tensor images, ImageWindow w, Tensor out, Tensor outGrad,
            Tensor imageGrad) {
        ImageWindow.requireShape(images, w.imageShape(), "maxPool images");
        ImageWindow.requireShape(out, w.pooledShape(), "maxPool output");
        ImageWindow.requireShape(outGrad, w.pooledShape(), "maxPool output gradient");
        ImageWindow.requireShape(imageGrad, w.imageShape(), "maxPool image gradient");
        int pixels = w.batch() * w.height() * w.width();
        Tensor remainder = be.copy(outGrad);
        try (Tensor padded = paddedWith(be, images, w, Float.NEGATIVE_INFINITY);
                Tensor paddedGrad = be.zeros(Shape.matrix(pixels + 1, w.channels()))) {
            for (int[] slot : slotRows(w)) {
                try (Tensor values = be.gatherRows(padded, slot);
                        Tensor wins = be.zip(BinaryOp.GE, values, out);
                        Tensor share = be.zip(BinaryOp.MUL, remainder, wins);
                        Tensor kept = be.zip(BinaryOp.SUB, remainder, share)) {
                    be.scatterAddRowsInPlace(paddedGrad, slot, share);
                    be.copyInPlace(kept, remainder);
                }
            }
            try (Tensor inside = be.gatherRows(paddedGrad, identity(pixels))) {
                be.axpyInPlace(1f, inside, imageGrad);
            }
        } finally {
            remainder.close();
        }
    }

    private static Tensor padded(Backend be, Tensor images, ImageWindow w) {
        return paddedWith(be, images, w, 0f);
    }

    /** The images followed by one row of {@code fill} (the row that padding slots read). */
    private static Tensor paddedWith(Backend be, Tensor images, ImageWindow w, float fill) {
        int pixels = w.batch() * w.height() * w.width();
        Tensor padded = be.zeros(Shape.matrix(pixels + 1, w.channels()));
        be.scatterAddRowsInPlace(padded, identity(pixels), images);
        if (fill != 0f) {
            try (Tensor row = be.full(Shape.matrix(1, w.channels()), fill)) {
                be.scatterAddRowsInPlace(padded, new int[] {pixels}, row);
            }
        }
        return padded;
    }

    /**
     * For every output pixel and window slot (ky, kx) in row-major order, the image row it reads:
     * {@code zeroRow} where the slot lies in the padding.
     */
    private static int[] patchRows(ImageWindow w, int zeroRow) {
        int taps = w.kernelH() * w.kernelW();
        int[] rows = new int[w.outRows() * taps];
        int[][] slots = slotRows(w);
        for (int p = 0; p < w.outRows(); p++) {
            for (int s = 0; s < taps; s++) {
                rows[p * taps + s] = slots[s][p];
            }
        }
        return rows;
    }

    /** For window slot (ky, kx), the image row under it at every output pixel (the padding row outside). */
    private static int[][] slotRows(ImageWindow w) {
        int outside = w.batch() * w.height() * w.width();
        int[][] slots = new int[w.kernelH() * w.kernelW()][w.outRows()];
        int p = 0;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++) {
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        int iy = oy * w.stride() - w.padding() + ky;
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            int ix = ox * w.stride() - w.padding() + kx;
                            boolean inside = iy >= 0 && iy < w.height() && ix >= 0 && ix < w.width();
                            slots[ky * w.kernelW() + kx][p] = inside ? (n * w.height() + iy) * w.width() + ix : outside;
                        }
                    }
                    p++;
                }
            }
        }
        return slots;
    }

    private static int[] identity(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }
}
