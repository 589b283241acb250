package org.optopt.api.backend.support;

import java.util.Arrays;
import org.optopt.api.backend.ImageWindow;

/**
 * The window primitives of {@link org.optopt.api.backend.Backend} as direct loops over heap arrays
 * (used by {@link HeapBackend}). A window's row {@code ky} covers {@code kernelW} horizontally
 * adjacent pixels, which NHWC stores contiguously: each (output pixel, ky) is one copy of up to
 * {@code kernelW*channels} floats, clipped at the image's left and right edges.
 */
final class WindowLoops {
    private WindowLoops() {}

    /** One (output pixel, window row) pair of a sweep; see {@link #forEachRow}. */
    private interface WindowRow {
        /**
         * @param patch offset of the row's first value in the patch matrix
         * @param image offset in the image of the pixel under window column {@code lo}, or -1 where
         *     the window row lies in the padding
         * @param lo first window column inside the image
         * @param hi end (exclusive) of the window columns inside the image
         */
        void visit(int patch, int image, int lo, int hi);
    }

    /** Visits every output pixel's window rows in patch-matrix order. */
    private static void forEachRow(ImageWindow w, WindowRow row) {
        int c = w.channels();
        int rowLength = w.kernelW() * c;
        int patch = 0;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++) {
                    int ix0 = ox * w.stride() - w.padding();
                    int lo = Math.max(0, -ix0);
                    int hi = Math.min(w.kernelW(), w.width() - ix0);
                    for (int ky = 0; ky < w.kernelH(); ky++, patch += rowLength) {
                        int iy = oy * w.stride() - w.padding() + ky;
                        boolean inside = iy >= 0 && iy < w.height() && hi > lo;
                        row.visit(patch, inside ? ((n * w.height() + iy) * w.width() + ix0 + lo) * c : -1, lo, hi);
                    }
                }
            }
        }
    }

    /**
     * im2col: see {@link org.optopt.api.backend.Backend#im2colInPlace}. Window rows of fewer than
     * {@value #SHORT_ROW} floats (few channels, as a first layer's) go by {@link #im2colShortRows}.
     */
    static void im2col(float[] x, ImageWindow w, float[] patches) {
        int c = w.channels();
        int rowLength = w.kernelW() * c;
        if (rowLength < SHORT_ROW) {
            im2colShortRows(x, w, patches);
            return;
        }
        forEachRow(w, (dst, src, lo, hi) -> {
            if (src < 0) {
                Arrays.fill(patches, dst, dst + rowLength, 0f);
                return;
            }
            if (lo > 0) {
                Arrays.fill(patches, dst, dst + lo * c, 0f);
            }
            copy(x, src, patches, dst + lo * c, (hi - lo) * c);
            if (hi * c < rowLength) {
                Arrays.fill(patches, dst + hi * c, dst + rowLength, 0f);
            }
        });
    }

    /**
     * im2col for short window rows, one patch column at a time: per output row of an image and window
     * row ky, the image row is copied into a zero-padded row once, and every patch column
     * {@code (ky, kx, channel)} of the output row is then one strided loop over the output pixels
     * (no clipping, no call per window row). fmnist-2c2d's first layer (one channel, 5x5, batch 128):
     * 6.2 ms with one copy per output pixel and window row, 3.1 ms this way (best of 40, one thread).
     */
    private static void im2colShortRows(float[] x, ImageWindow w, float[] patches) {
        int c = w.channels();
        int columns = w.patchColumns();
        int ow = w.outWidth();
        int rowLength = w.kernelW() * c;
        float[] padded = new float[(w.width() + 2 * w.padding()) * c];
        int step = w.stride() * c;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                int block = (n * w.outHeight() + oy) * ow * columns;
                for (int ky = 0; ky < w.kernelH(); ky++) {
                    int iy = oy * w.stride() - w.padding() + ky;
                    if (iy < 0 || iy >= w.height()) {
                        for (int ox = 0; ox < ow; ox++) {
                            int dst = block + ox * columns + ky * rowLength;
                            Arrays.fill(patches, dst, dst + rowLength, 0f);
                        }
                        continue;
                    }
                    System.arraycopy(x, (n * w.height() + iy) * w.width() * c, padded, w.padding() * c, w.width() * c);
                    for (int col = 0; col < rowLength; col++) {
                        int dst = block + ky * rowLength + col;
                        for (int ox = 0, src = col; ox < ow; ox++, src += step, dst += columns) {
                            patches[dst] = padded[src];
                        }
                    }
                }
            }
        }
    }

    /** The window rows below which im2col goes column by column and copies use a plain loop, not {@code arraycopy}. */
    private static final int SHORT_ROW = 32;

    /** A plain loop for the short rows of few-channel images, where a call of {@code arraycopy} costs more. */
    private static void copy(float[] from, int src, float[] to, int dst, int length) {
        if (length >= SHORT_ROW) {
            System.arraycopy(from, src, to, dst, length);
            return;
        }
        for (int j = 0; j < length; j++) {
            to[dst + j] = from[src + j];
        }
    }

    /** col2im: see {@link org.optopt.api.backend.Backend#col2imAddInPlace}. */
    static void col2imAdd(float[] patches, ImageWindow w, float[] x) {
        int c = w.channels();
        forEachRow(w, (patch, dst, lo, hi) -> {
            if (dst < 0) {
                return;
            }
            int from = patch + lo * c;
            int length = (hi - lo) * c;
            for (int j = 0; j < length; j++) {
                x[dst + j] += patches[from + j];
            }
        });
    }

    /**
     * Max-pooling: see {@link org.optopt.api.backend.Backend#maxPoolInPlace}. One output row at a
     * time: per window position (ky, kx), the pixel under it of every output pixel of the row is
     * gathered into a strip (-infinity in the padding), and the row's maxima are updated from the strip
     * in one loop over the whole row, which indexes both arrays alike (so C2 vectorizes it; see
     * {@link org.optopt.api.backend.TileTransforms}). fmnist-2c2d's first pooling (batch 128, 32
     * channels): 4.0 ms with a loop over the channels per output pixel and window position, 2.6 ms
     * this way (best of 40, one thread).
     */
    static void maxPool(float[] x, ImageWindow w, float[] out) {
        int c = w.channels();
        int length = w.outWidth() * c;
        float[] row = new float[length];
        float[] strip = new float[length];
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                Arrays.fill(row, Float.NEGATIVE_INFINITY);
                for (int ky = 0; ky < w.kernelH(); ky++) {
                    int iy = oy * w.stride() - w.padding() + ky;
                    if (iy < 0 || iy >= w.height()) {
                        continue;
                    }
                    for (int kx = 0; kx < w.kernelW(); kx++) {
                        for (int ox = 0; ox < w.outWidth(); ox++) {
                            int ix = ox * w.stride() - w.padding() + kx;
                            if (ix < 0 || ix >= w.width()) {
                                Arrays.fill(strip, ox * c, ox * c + c, Float.NEGATIVE_INFINITY);
                            } else {
                                copy(x, ((n * w.height() + iy) * w.width() + ix) * c, strip, ox * c, c);
                            }
                        }
                        for (int k = 0; k < length; k++) {
                            row[k] = Math.max(row[k], strip[k]);
                        }
                    }
                }
                System.arraycopy(row, 0, out, (n * w.outHeight() + oy) * length, length);
            }
        }
    }

    /**
     * The max-pooling gradient: see {@link org.optopt.api.backend.Backend#maxPoolBackwardAddInPlace}.
     * Per output pixel and channel, the gradient goes to the first window position (row-major)
     * that reaches the maximum. The positions are visited in reverse order, each overwriting a
     * channel's chosen index where it reaches the maximum, so that the last write is the first
     * such position; then one add per channel. The overwrite is a conditional move that does not
     * branch on the data: the branchy form (skip a channel once it has found its position) took
     * 19.7 and 9.4 ms for fmnist-2c2d's two poolings at batch 128 (ReLU inputs, half of them tied
     * zeros, so a branch mispredicted often), this one 5.3 and 2.3 ms.
     */
    static void maxPoolBackwardAdd(float[] x, ImageWindow w, float[] out, float[] outGrad, float[] gx) {
        int c = w.channels();
        int[] first = new int[c];
        int o = 0;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++, o += c) {
                    Arrays.fill(first, -1);
                    for (int ky = w.kernelH() - 1; ky >= 0; ky--) {
                        int iy = oy * w.stride() - w.padding() + ky;
                        if (iy < 0 || iy >= w.height()) {
                            continue;
                        }
                        for (int kx = w.kernelW() - 1; kx >= 0; kx--) {
                            int ix = ox * w.stride() - w.padding() + kx;
                            if (ix < 0 || ix >= w.width()) {
                                continue;
                            }
                            int src = ((n * w.height() + iy) * w.width() + ix) * c;
                            for (int j = 0; j < c; j++) {
                                first[j] = x[src + j] >= out[o + j] ? src + j : first[j];
                            }
                        }
                    }
                    for (int j = 0; j < c; j++) {
                        if (first[j] >= 0) {
                            gx[first[j]] += outGrad[o + j];
                        }
                    }
                }
            }
        }
    }
}
