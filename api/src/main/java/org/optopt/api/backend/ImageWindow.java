package org.optopt.api.backend;

import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A window swept over a batch of images, as convolution and pooling do: the images are a matrix
 * {@code [batch*height*width, channels]} in NHWC order (row {@code (n*height + y)*width + x} holds
 * the channels of pixel (x, y) of image n), the window is {@code kernelH x kernelW} pixels, moves by
 * {@code stride} in both directions and sees {@code padding} pixels of padding on every side. Output
 * pixel (ox, oy) covers the input pixels {@code (ox*stride - padding + kx, oy*stride - padding + ky)}
 * for {@code 0 <= kx < kernelW}, {@code 0 <= ky < kernelH}.
 *
 * @param batch images, at least 1
 * @param height input rows of pixels, at least 1
 * @param width input columns of pixels, at least 1
 * @param channels values per pixel, at least 1
 * @param kernelH window height, at least 1
 * @param kernelW window width, at least 1
 * @param stride step between windows, at least 1
 * @param padding pixels of padding on each side, at least 0; the padded image must hold the window
 */
public record ImageWindow(int batch, int height, int width, int channels, int kernelH, int kernelW, int stride,
        int padding) {

    /** Validates the dimensions, naming the offending ones. */
    public ImageWindow {
        if (batch <= 0 || height <= 0 || width <= 0 || channels <= 0) {
            throw new IllegalArgumentException("ImageWindow: batch " + batch + ", height " + height + ", width "
                    + width + " and channels " + channels + " must be positive");
        }
        if (kernelH <= 0 || kernelW <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("ImageWindow: kernel " + kernelH + "x" + kernelW + ", stride " + stride
                    + " and padding " + padding + " must be positive (padding non-negative)");
        }
        if (height + 2L * padding < kernelH || width + 2L * padding < kernelW) {
            throw new IllegalArgumentException("ImageWindow: kernel " + kernelH + "x" + kernelW + " does not fit "
                    + height + "x" + width + " images with padding " + padding);
        }
        if ((long) batch * height * width * channels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ImageWindow: " + batch + " images of " + height + "x" + width + "x"
                    + channels + " exceed 2^31 - 1 elements");
        }
    }

    /** Output rows of pixels, {@code (height + 2*padding - kernelH) / stride + 1}. */
    public int outHeight() {
        return (height + 2 * padding - kernelH) / stride + 1;
    }

    /** Output columns of pixels, {@code (width + 2*padding - kernelW) / stride + 1}. */
    public int outWidth() {
        return (width + 2 * padding - kernelW) / stride + 1;
    }

    /** Output pixels of the whole batch, {@code batch*outHeight*outWidth}. */
    public int outRows() {
        return batch * outHeight() * outWidth();
    }

    /** Values of one patch, {@code kernelH*kernelW*channels}, ordered (ky, kx, channel). */
    public int patchColumns() {
        return kernelH * kernelW * channels;
    }

    /** The shape of the images, {@code [batch*height*width, channels]}. */
    public Shape imageShape() {
        return Shape.matrix(batch * height * width, channels);
    }

    /** The shape of the patch matrix, {@code [outRows, kernelH*kernelW*channels]}. */
    public Shape patchShape() {
        return Shape.matrix(outRows(), patchColumns());
    }

    /** The shape of one value per output pixel and channel (pooling), {@code [outRows, channels]}. */
    public Shape pooledShape() {
        return Shape.matrix(outRows(), channels);
    }

    /**
     * Checks a window primitive's operand.
     *
     * @throws IllegalArgumentException naming {@code what} and both shapes unless {@code t} has {@code shape}
     */
    public static void requireShape(Tensor t, Shape shape, String what) {
        if (!t.shape().equals(shape)) {
            throw new IllegalArgumentException(what + ": shape " + t.shape() + " does not match the window's " + shape);
        }
    }
}
