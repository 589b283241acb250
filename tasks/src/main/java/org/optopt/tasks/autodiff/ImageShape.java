package org.optopt.tasks.autodiff;

import org.optopt.api.tensor.Shape;

/**
 * The layout of a batch of images stored as a matrix in NHWC order: row {@code (n*height + y)*width + x}
 * holds the {@code channels} values of pixel (x, y) of image n. Convolutions and pooling read and
 * write this layout, so one layer's output is the next layer's input without copies.
 */
public record ImageShape(int batch, int height, int width, int channels) {
    /** Validates that every dimension is positive. */
    public ImageShape {
        if (batch <= 0 || height <= 0 || width <= 0 || channels <= 0) {
            throw new IllegalArgumentException("ImageShape dimensions must be positive: batch " + batch
                    + ", height " + height + ", width " + width + ", channels " + channels);
        }
    }

    /** Number of pixel rows, {@code batch*height*width}. */
    public int rows() {
        return batch * height * width;
    }

    /** The matrix shape {@code [rows, channels]}. */
    public Shape matrix() {
        return Shape.matrix(rows(), channels);
    }

    /** Row index of pixel (x, y) of image n. */
    public int row(int n, int y, int x) {
        return (n * height + y) * width + x;
    }
}
