package org.optopt.backend.tornado.device;

import org.optopt.api.backend.ImageWindow;
import org.optopt.backend.tornado.PortableMath;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The forward window primitives on the device, each one {@link FixedTask} per window: {@code im2col}
 * (one work-item per patch value, copying its pixel or writing the padding's zero) and max pooling
 * (one work-item per output value, the maximum of its window's pixels in {@code (ky, kx)} order
 * with {@link Math#max(float, float)}'s rules through {@link PortableMath#max}, the padding counting
 * as negative infinity). Both give {@code HeapBackend}'s bits, as the conformance kit checks, in one
 * task instead of the {@code Backend} defaults' chain of scatters, gathers and {@code zip}s (each a
 * task whose operands cross through the host). The gradients ({@code col2im}, the pooling gradient)
 * stay the defaults, on the device through their scatters and gathers: their additions into shared
 * pixels follow the defaults' order, which a fused task would have to reproduce per pixel.
 */
final class DeviceWindows {
    private final FixedTask.Cache tasks;

    DeviceWindows(TornadoBackend backend) {
        this.tasks = new FixedTask.Cache(backend);
    }

    private record Im2col(ImageWindow window) { }

    private record MaxPool(ImageWindow window) { }

    /** Writes every output pixel's window of {@code images} into {@code patches} (another memory). Callers hold the backend's lock. */
    void im2col(Storage images, ImageWindow w, Storage patches) {
        tasks.run(new Im2col(w), () -> new FixedTask("im2col " + w, 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("w", DeviceWindows::im2col, (float[]) a[0], (float[]) a[1],
                        w.height(), w.width(), w.channels(), w.kernelW(), w.stride(), w.padding(), w.outHeight(),
                        w.outWidth(), w.outRows(), w.patchColumns())),
                new Storage[] {images, patches}, w.outRows() * w.patchColumns(), new float[0]);
    }

    /** Writes the maximum of every window of {@code images} into {@code out} (another memory). Callers hold the backend's lock. */
    void maxPool(Storage images, ImageWindow w, Storage out) {
        tasks.run(new MaxPool(w), () -> new FixedTask("maxPool " + w, 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("p", DeviceWindows::maxPool, (float[]) a[0], (float[]) a[1],
                        w.height(), w.width(), w.channels(), w.kernelH(), w.kernelW(), w.stride(), w.padding(),
                        w.outHeight(), w.outWidth(), w.outRows())),
                new Storage[] {images, out}, w.outRows() * w.channels(), new float[0]);
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
