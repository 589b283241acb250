package org.optopt.api.backend;

import java.util.Arrays;
import org.optopt.api.tensor.Tensor;

/**
 * The tile primitives of {@link Backend} ({@code imageToTilesInPlace}, {@code tilesToImageAddInPlace})
 * as loops over row-major arrays: the defaults run them on host copies, and
 * {@link org.optopt.api.backend.support.HeapBackend} on its arrays directly. A two-sided transform
 * {@code L d L^T} of a tile is applied as two one-sided passes, each a sum of scaled pixel rows; NHWC
 * keeps a pixel's channels contiguous, so every inner loop runs over the channels (and vectorizes).
 * Zero entries of the transform are skipped, as are pixels outside the image.
 */
public final class TileTransforms {
    private TileTransforms() {}

    /**
     * {@code out[i*p + j][tile][c] = sum_{a,b} L[i][a] L[j][b] image(tile row a, tile column b, c)}
     * for the {@code p x tileSize} matrix {@code L} ({@code transform}, row-major); see
     * {@link Backend#imageToTilesInPlace}.
     */
    public static void imageToTiles(float[] images, ImageTiles g, float[] transform, float[] out) {
        int q = g.tileSize();
        int p = ImageTiles.transformRows(transform, q, "imageToTiles");
        int c = g.channels();
        int tileStride = g.tileCount() * c;
        float[] rows = new float[p * q * c];
        int tile = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int ty = 0; ty < g.tilesY(); ty++) {
                int y0 = ty * g.step() - g.origin();
                int aLo = Math.max(0, -y0);
                int aHi = Math.min(q, g.height() - y0);
                for (int tx = 0; tx < g.tilesX(); tx++, tile++) {
                    int x0 = tx * g.step() - g.origin();
                    int bLo = Math.max(0, -x0);
                    int bHi = Math.min(q, g.width() - x0);
                    // rows[i][b][:] = sum_a L[i][a] image(y0 + a, x0 + b, :)
                    Arrays.fill(rows, 0f);
                    for (int i = 0; i < p; i++) {
                        for (int a = aLo; a < aHi; a++) {
                            float l = transform[i * q + a];
                            if (l == 0f) {
                                continue;
                            }
                            int pixel = ((n * g.height() + y0 + a) * g.width() + x0) * c;
                            for (int b = bLo; b < bHi; b++) {
                                axpy(l, images, pixel + b * c, rows, (i * q + b) * c, c);
                            }
                        }
                    }
                    // out[i*p + j][tile][:] = sum_b L[j][b] rows[i][b][:]
                    for (int i = 0; i < p; i++) {
                        for (int j = 0; j < p; j++) {
                            int dst = (i * p + j) * tileStride + tile * c;
                            Arrays.fill(out, dst, dst + c, 0f);
                            for (int b = bLo; b < bHi; b++) {
                                float l = transform[j * q + b];
                                if (l != 0f) {
                                    axpy(l, rows, (i * q + b) * c, out, dst, c);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code image(tile row a, tile column b, c) += sum_{i,j} R[a][i] R[b][j] tiles[i*p + j][tile][c]}
     * for the {@code tileSize x p} matrix {@code R} ({@code transform}, row-major), pixels outside the
     * image dropped; see {@link Backend#tilesToImageAddInPlace}.
     */
    public static void tilesToImageAdd(float[] tiles, ImageTiles g, float[] transform, float[] images) {
        int q = g.tileSize();
        int p = ImageTiles.transformRows(transform, q, "tilesToImageAdd");
        int c = g.channels();
        int tileStride = g.tileCount() * c;
        float[] rows = new float[q * p * c];
        int tile = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int ty = 0; ty < g.tilesY(); ty++) {
                int y0 = ty * g.step() - g.origin();
                int aLo = Math.max(0, -y0);
                int aHi = Math.min(q, g.height() - y0);
                for (int tx = 0; tx < g.tilesX(); tx++, tile++) {
                    int x0 = tx * g.step() - g.origin();
                    int bLo = Math.max(0, -x0);
                    int bHi = Math.min(q, g.width() - x0);
                    if (aLo >= aHi || bLo >= bHi) {
                        continue;
                    }
                    // rows[a][j][:] = sum_i R[a][i] tiles[i*p + j][tile][:]
                    Arrays.fill(rows, 0f);
                    for (int a = aLo; a < aHi; a++) {
                        for (int i = 0; i < p; i++) {
                            float r = transform[a * p + i];
                            if (r == 0f) {
                                continue;
                            }
                            for (int j = 0; j < p; j++) {
                                axpy(r, tiles, (i * p + j) * tileStride + tile * c, rows, (a * p + j) * c, c);
                            }
                        }
                    }
                    // image(y0 + a, x0 + b, :) += sum_j R[b][j] rows[a][j][:]
                    for (int a = aLo; a < aHi; a++) {
                        int pixel = ((n * g.height() + y0 + a) * g.width() + x0) * c;
                        for (int b = bLo; b < bHi; b++) {
                            for (int j = 0; j < p; j++) {
                                float r = transform[b * p + j];
                                if (r != 0f) {
                                    axpy(r, rows, (a * p + j) * c, images, pixel + b * c, c);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Checks the operands of {@link Backend#imageToTilesInPlace}.
     *
     * @throws IllegalArgumentException naming the operand that does not fit
     */
    public static void checkImageToTiles(Tensor images, ImageTiles grid, float[] transform, Tensor tiles) {
        int p = ImageTiles.transformRows(transform, grid.tileSize(), "imageToTiles transform");
        ImageWindow.requireShape(images, grid.imageShape(), "imageToTiles images");
        ImageWindow.requireShape(tiles, grid.tilesShape(p), "imageToTiles tiles");
    }

    /**
     * Checks the operands of {@link Backend#tilesToImageAddInPlace}.
     *
     * @throws IllegalArgumentException naming the operand that does not fit
     */
    public static void checkTilesToImage(Tensor tiles, ImageTiles grid, float[] transform, Tensor images) {
        int p = ImageTiles.transformRows(transform, grid.tileSize(), "tilesToImageAdd transform");
        ImageWindow.requireShape(tiles, grid.tilesShape(p), "tilesToImageAdd tiles");
        ImageWindow.requireShape(images, grid.imageShape(), "tilesToImageAdd images");
    }

    private static void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int k = 0; k < n; k++) {
            y[yOffset + k] += alpha * x[xOffset + k];
        }
    }
}
