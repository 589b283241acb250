package org.optopt.api.backend;

import org.optopt.api.tensor.Shape;

/**
 * A grid of square tiles laid over a batch of NHWC images (the matrix {@code [batch*height*width,
 * channels]} of {@link ImageWindow}), as Winograd convolution reads its input and writes its output.
 * Tile {@code (n, ty, tx)}, number {@code (n*tilesY + ty)*tilesX + tx}, covers the pixels
 * {@code (tx*step - origin + b, ty*step - origin + a)} for {@code 0 <= a, b < tileSize}; pixels
 * outside the image read as zero and are never written. Tiles may overlap ({@code step < tileSize})
 * or leave gaps.
 *
 * <p>The tile domain is a tensor {@code [p*p, tileCount, channels]} (see {@link #tilesShape}): a
 * {@code p x p} transformed tile per tile and channel, point {@code (i, j)} of every tile in slice
 * {@code i*p + j}, so each point's values form one {@code [tileCount, channels]} matrix.
 *
 * @param batch images, at least 1
 * @param height pixel rows of an image, at least 1
 * @param width pixel columns of an image, at least 1
 * @param channels values per pixel, at least 1
 * @param tileSize pixels along each side of a tile, at least 1
 * @param step distance between neighbouring tiles, at least 1
 * @param origin how far the first tile starts above and left of pixel (0, 0), at least 0
 * @param tilesY tiles per image column, at least 1
 * @param tilesX tiles per image row, at least 1
 */
public record ImageTiles(int batch, int height, int width, int channels, int tileSize, int step, int origin,
        int tilesY, int tilesX) {

    /** Validates the dimensions, naming the offending ones. */
    public ImageTiles {
        if (batch <= 0 || height <= 0 || width <= 0 || channels <= 0) {
            throw new IllegalArgumentException("ImageTiles: batch " + batch + ", height " + height + ", width "
                    + width + " and channels " + channels + " must be positive");
        }
        if (tileSize <= 0 || step <= 0 || origin < 0 || tilesY <= 0 || tilesX <= 0) {
            throw new IllegalArgumentException("ImageTiles: tile size " + tileSize + ", step " + step + ", tiles "
                    + tilesY + "x" + tilesX + " must be positive and origin " + origin + " non-negative");
        }
        if ((long) batch * height * width * channels > Integer.MAX_VALUE
                || (long) batch * tilesY * tilesX * channels * tileSize * tileSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ImageTiles: " + batch + " images of " + height + "x" + width + "x"
                    + channels + " in " + tilesY + "x" + tilesX + " tiles of " + tileSize
                    + " exceed 2^31 - 1 elements");
        }
    }

    /** Tiles of the whole batch, {@code batch*tilesY*tilesX}. */
    public int tileCount() {
        return batch * tilesY * tilesX;
    }

    /** The shape of the images, {@code [batch*height*width, channels]}. */
    public Shape imageShape() {
        return Shape.matrix(batch * height * width, channels);
    }

    /** The shape of the tile domain with {@code p x p} points per tile, {@code [p*p, tileCount, channels]}. */
    public Shape tilesShape(int p) {
        if (p <= 0 || (long) p * p * tileCount() * channels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ImageTiles: " + p + "x" + p + " points per tile do not fit " + this);
        }
        return Shape.of(p * p, tileCount(), channels);
    }

    /**
     * Checks a transform matrix of {@code rows x cols} stored row-major in {@code transform}.
     *
     * @return {@code rows}, the number of rows ({@code transform.length / cols})
     * @throws IllegalArgumentException naming {@code what} unless the length is a positive multiple of {@code cols}
     */
    public static int transformRows(float[] transform, int cols, String what) {
        if (transform.length == 0 || transform.length % cols != 0) {
            throw new IllegalArgumentException(what + ": a transform of " + transform.length
                    + " values is not a matrix of " + cols + " columns");
        }
        return transform.length / cols;
    }
}
