package org.optopt.api.testkit;

import java.util.List;
import org.optopt.api.backend.ImageWindow;

/**
 * The window primitives written from their definitions, one element at a time, as the independent
 * reference of the conformance tests: every output pixel, window position and channel is visited
 * and the input pixel it covers computed from scratch.
 */
public final class WindowReference {
    private WindowReference() {}

    /**
     * Odd geometries: overlapping windows, strides, padding, a window entirely in the padding, 1x1,
     * and window rows of fewer and of more than 32 floats (backends may copy short rows otherwise).
     */
    public static List<ImageWindow> geometries() {
        return List.of(
                new ImageWindow(2, 5, 4, 3, 3, 2, 1, 1),
                new ImageWindow(2, 5, 4, 3, 3, 3, 2, 1),
                new ImageWindow(1, 6, 6, 2, 2, 2, 2, 0),
                new ImageWindow(2, 5, 5, 1, 5, 5, 1, 2),
                new ImageWindow(3, 3, 4, 5, 1, 1, 1, 0),
                new ImageWindow(1, 3, 3, 2, 2, 2, 1, 2),
                new ImageWindow(2, 7, 5, 3, 4, 3, 3, 2),
                new ImageWindow(2, 6, 5, 11, 3, 3, 2, 1));
    }

    /** The image element (flat index) under window position (ky, kx) of output pixel p, channel c; -1 in the padding. */
    public static int source(ImageWindow w, int p, int ky, int kx, int c) {
        int n = p / (w.outHeight() * w.outWidth());
        int oy = p / w.outWidth() % w.outHeight();
        int ox = p % w.outWidth();
        int iy = oy * w.stride() - w.padding() + ky;
        int ix = ox * w.stride() - w.padding() + kx;
        if (iy < 0 || iy >= w.height() || ix < 0 || ix >= w.width()) {
            return -1;
        }
        return ((n * w.height() + iy) * w.width() + ix) * w.channels() + c;
    }

    /** The column of (ky, kx, c) in a patch row. */
    public static int column(ImageWindow w, int ky, int kx, int c) {
        return (ky * w.kernelW() + kx) * w.channels() + c;
    }

    /** im2col by definition. */
    public static float[] im2col(float[] x, ImageWindow w) {
        float[] patches = new float[w.outRows() * w.patchColumns()];
        forEach(w, (p, ky, kx, c, src) -> patches[p * w.patchColumns() + column(w, ky, kx, c)] = src < 0 ? 0f : x[src]);
        return patches;
    }

    /** col2im by definition, in double: {@code x + im2col^T(patches)}. */
    public static double[] col2imAdd(float[] patches, ImageWindow w, float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        forEach(w, (p, ky, kx, c, src) -> {
            if (src >= 0) {
                out[src] += patches[p * w.patchColumns() + column(w, ky, kx, c)];
            }
        });
        return out;
    }

    /** Max-pooling by definition (padding skipped, -infinity for a window entirely in it). */
    public static float[] maxPool(float[] x, ImageWindow w) {
        float[] out = new float[w.outRows() * w.channels()];
        java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        forEach(w, (p, ky, kx, c, src) -> {
            if (src >= 0) {
                out[p * w.channels() + c] = Math.max(out[p * w.channels() + c], x[src]);
            }
        });
        return out;
    }

    /** The max-pooling gradient by definition: each output's gradient to its window's first maximal element. */
    public static float[] maxPoolBackwardAdd(float[] x, ImageWindow w, float[] outGrad, float[] gx) {
        float[] max = maxPool(x, w);
        float[] out = gx.clone();
        boolean[] taken = new boolean[max.length];
        forEach(w, (p, ky, kx, c, src) -> {
            int o = p * w.channels() + c;
            if (src >= 0 && !taken[o] && x[src] >= max[o]) {
                taken[o] = true;
                out[src] += outGrad[o];
            }
        });
        return out;
    }

    private interface Visit {
        void at(int pixel, int ky, int kx, int channel, int source);
    }

    /** Visits every output pixel, window position in row-major order and channel. */
    private static void forEach(ImageWindow w, Visit v) {
        for (int p = 0; p < w.outRows(); p++) {
            for (int c = 0; c < w.channels(); c++) {
                for (int ky = 0; ky < w.kernelH(); ky++) {
                    for (int kx = 0; kx < w.kernelW(); kx++) {
                        v.at(p, ky, kx, c, source(w, p, ky, kx, c));
                    }
                }
            }
        }
    }
}
