package org.optopt.backend.tornado.device;

import org.optopt.api.backend.ImageWindow;
import org.optopt.backend.tornado.PortableMath;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The window primitives on the device, each one {@link FixedTask} per window: {@code im2col} (one
 * work-item per patch value, copying its pixel or writing the padding's zero), max pooling (one
 * work-item per output value, the maximum of its window's pixels in {@code (ky, kx)} order with
 * {@link Math#max(float, float)}'s rules through {@link PortableMath#max}, the padding counting as
 * negative infinity) and {@code col2im} (one work-item per image value, adding the patch values read
 * from it in ascending output pixel order, as {@code HeapBackend}'s loop adds them). All give
 * {@code HeapBackend}'s bits, as the conformance kit checks, in one task instead of the
 * {@code Backend} defaults' chain of scatters, gathers and {@code zip}s (each a task whose operands
 * cross through the host). The pooling gradient stays the default, on the device through its
 * scatters and gathers: it passes a remainder through the window's positions, whose order of
 * operations (and non-finite results) a fused task would have to reproduce.
 */
final class DeviceWindows {
    private final FixedTask.Cache tasks;

    DeviceWindows(TornadoBackend backend) {
        this.tasks = new FixedTask.Cache(backend);
    }

    private record Im2col(ImageWindow window) { }

    private record MaxPool(ImageWindow window) { }

    private record Col2im(ImageWindow window) { }

    /** Writes every output pixel's window of {@code images} into {@code patches} (another memory). Callers hold the backend's lock. */
    void im2col(Storage images, ImageWindow w, Storage patches) {
        tasks.run(new Im2col(w), () -> new FixedTask("im2col " + w, 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("w", DeviceWindows::im2col, (float[]) a[0], (float[]) a[1],
                        w.height(), w.width(), w.channels(), w.kernelW(), w.stride(), w.padding(), w.outHeight(),
                        w.outWidth(), w.outRows(), w.patchColumns())),
                new Storage[] {images, patches}, w.outRows() * w.patchColumns(), FixedTask.NO_UNIFORMS);
    }

    /** Writes the maximum of every window of {@code images} into {@code out} (another memory). Callers hold the backend's lock. */
    void maxPool(Storage images, ImageWindow w, Storage out) {
        tasks.run(new MaxPool(w), () -> new FixedTask("maxPool " + w, 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("p", DeviceWindows::maxPool, (float[]) a[0], (float[]) a[1],
                        w.height(), w.width(), w.channels(), w.kernelH(), w.kernelW(), w.stride(), w.padding(),
                        w.outHeight(), w.outWidth(), w.outRows())),
                new Storage[] {images, out}, w.outRows() * w.channels(), FixedTask.NO_UNIFORMS);
    }

    /** Adds every patch value to the image pixel it was read from (another memory). Callers hold the backend's lock. */
    void col2imAdd(Storage patches, ImageWindow w, Storage images) {
        int total = w.batch() * w.height() * w.width() * w.channels();
        tasks.run(new Col2im(w), () -> new FixedTask("col2im " + w, 2, 1, 3, 0, 0,
                (graph, a, terms, u) -> graph.task("c", DeviceWindows::col2imAdd, (float[]) a[0], (float[]) a[1],
                        w.height(), w.width(), w.channels(), w.kernelH(), w.kernelW(), w.stride(), w.padding(),
                        w.outHeight(), w.outWidth(), total)),
                new Storage[] {images, patches}, total, FixedTask.NO_UNIFORMS);
    }

    /** Frees every task's device memory (the backend is closing). */
    void close() {
        tasks.close();
    }

    // ---- the device tasks -----------------------------------------------------------------

    /** {@code patches[r][(ky kw + kx) c + ch]} = the image's pixel under slot {@code (ky, kx)} of output pixel {@code r}, or 0 in the padding. */
    static void im2col(float[] images, float[] patches, int height, int width, int channels, int kernelW, int stride,
            int padding, int outHeight, int outWidth, int outRows, int columns) {
        for (@Parallel int r = 0; r < outRows; r++) {
            for (@Parallel int col = 0; col < columns; col++) {
                int n = r / (outHeight * outWidth);
                int oy = r / outWidth % outHeight;
                int ox = r % outWidth;
                int ch = col % channels;
                int kx = col / channels % kernelW;
                int ky = col / channels / kernelW;
                int iy = oy * stride - padding + ky;
                int ix = ox * stride - padding + kx;
                boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                patches[r * columns + col] = inside ? images[((n * height + iy) * width + ix) * channels + ch] : 0f;
            }
        }
    }

    /**
     * {@code images[e] +=} the patch values read from pixel-channel e, one per window covering it, in
     * ascending output pixel order: {@code HeapBackend}'s order of additions, which adds into the
     * image window row by window row in patch-matrix order.
     */
    static void col2imAdd(float[] images, float[] patches, int height, int width, int channels, int kernelH,
            int kernelW, int stride, int padding, int outHeight, int outWidth, int total) {
        for (@Parallel int e = 0; e < total; e++) {
            int ch = e % channels;
            int ix = e / channels % width;
            int iy = e / channels / width % height;
            int n = e / channels / width / height;
            int columns = kernelH * kernelW * channels;
            float v = images[e];
            for (int oy = 0; oy < outHeight; oy++) {
                int ky = iy + padding - oy * stride;
                if (ky >= 0 && ky < kernelH) {
                    for (int ox = 0; ox < outWidth; ox++) {
                        int kx = ix + padding - ox * stride;
                        if (kx >= 0 && kx < kernelW) {
                            int r = (n * outHeight + oy) * outWidth + ox;
                            v = v + patches[r * columns + (ky * kernelW + kx) * channels + ch];
                        }
                    }
                }
            }
            images[e] = v;
        }
    }

    /** {@code out[r][ch]} = the maximum over the window of output pixel {@code r} in channel {@code ch}, the padding negative infinity. */
    static void maxPool(float[] images, float[] out, int height, int width, int channels, int kernelH, int kernelW,
            int stride, int padding, int outHeight, int outWidth, int outRows) {
        for (@Parallel int r = 0; r < outRows; r++) {
            for (@Parallel int ch = 0; ch < channels; ch++) {
                int n = r / (outHeight * outWidth);
                int oy = r / outWidth % outHeight;
                int ox = r % outWidth;
                float max = Float.NEGATIVE_INFINITY;
                for (int ky = 0; ky < kernelH; ky++) {
                    int iy = oy * stride - padding + ky;
                    for (int kx = 0; kx < kernelW; kx++) {
                        int ix = ox * stride - padding + kx;
                        boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                        float v = inside ? images[((n * height + iy) * width + ix) * channels + ch] : Float.NEGATIVE_INFINITY;
                        max = PortableMath.max(max, v);
                    }
                }
                out[r * channels + ch] = max;
            }
        }
    }
}
