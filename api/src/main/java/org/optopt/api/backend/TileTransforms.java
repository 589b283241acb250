package org.optopt.api.backend;

import java.util.Arrays;
import org.optopt.api.tensor.Tensor;

/**
 * The tile primitives of {@link Backend} ({@code imageToTilesInPlace}, {@code tilesToImageAddInPlace})
 * as loops over row-major arrays: the defaults run them on host copies, and
 * {@link org.optopt.api.backend.support.HeapBackend} on its arrays directly.
 *
 * <p>A two-sided transform {@code L d L^T} is applied one band of tile rows at a time in two
 * passes: the vertical pass combines whole image rows (NHWC keeps a row's pixels and channels contiguous) into
 * strips {@code [stripWidth*channels]}, one per transform row and row of tiles, shared by all tiles
 * of the row; each tile column {@code b} of a strip is gathered into a block of a band of tile rows
 * (the whole image where the blocks fit 256 KiB), and the horizontal pass combines the blocks into
 * each transform point for all the band's tiles at once (they are adjacent in the tile domain). The
 * way back runs the passes in reverse. Zero entries of the transform are skipped, as are rows outside the image.
 *
 * <p>Every arithmetic loop indexes both its arrays with the same index, and data moves between
 * offsets only by {@link System#arraycopy}: HotSpot's C2 vectorizes {@code y[k] += a*x[k]} but not
 * {@code y[k + d] += a*x[k + e]} (it cannot rule out that x and y are one array, with a dependence
 * between iterations), which ran 5-10x slower here.
 */
public final class TileTransforms {
    private TileTransforms() {}

    /**
     * {@code out[i*p + j][tile][c] = sum_{a,b} L[i][a] L[j][b] image(tile row a, tile column b, c)}
     * for the {@code p x tileSize} matrix {@code L} ({@code transform}, row-major); see
     * {@link Backend#imageToTilesInPlace}.
     */
    public static void imageToTiles(float[] images, ImageTiles g, float[] transform, float[] out) {
        Scratch s = new Scratch(g, ImageTiles.transformRows(transform, g.tileSize(), "imageToTiles"));
        int q = g.tileSize();
        int p = s.points;
        for (int n = 0; n < g.batch(); n++) {
            for (int band = 0; band < g.tilesY(); band += s.bandRows) {
                int rows = Math.min(s.bandRows, g.tilesY() - band);
                for (int ty = band; ty < band + rows; ty++) {
                    int y0 = ty * g.step() - g.origin();
                    for (int a = 0; a < q; a++) {
                        if (s.inside(y0 + a)) {
                            System.arraycopy(images, s.imageRow(n, y0 + a), s.rows[a], s.lo, s.hi - s.lo);
                        }
                    }
                    for (int i = 0; i < p; i++) {
                        combine(s.insideWeights(transform, i * q, y0), 0, q, s.rows, s.strip, s.lo, s.hi);
                        s.gatherColumns(s.blocks[i], ty - band);
                    }
                }
                int length = rows * s.rowBlock;
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        combine(transform, j * q, q, s.blocks[i], s.result, 0, length);
                        System.arraycopy(s.result, 0, out, (i * p + j) * s.pointStride + s.tileRow(n, band), length);
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
        Scratch s = new Scratch(g, ImageTiles.transformRows(transform, g.tileSize(), "tilesToImageAdd"));
        int q = g.tileSize();
        int p = s.points;
        float[][] strips = new float[p][s.strip.length];
        float[][] pointBlocks = new float[p][s.result.length];
        for (int n = 0; n < g.batch(); n++) {
            for (int band = 0; band < g.tilesY(); band += s.bandRows) {
                int rows = Math.min(s.bandRows, g.tilesY() - band);
                int length = rows * s.rowBlock;
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        System.arraycopy(tiles, (i * p + j) * s.pointStride + s.tileRow(n, band), pointBlocks[j], 0,
                                length);
                    }
                    for (int b = 0; b < q; b++) {
                        combine(transform, b * p, p, pointBlocks, s.blocks[i][b], 0, length);
                    }
                }
                for (int ty = band; ty < band + rows; ty++) {
                    int y0 = ty * g.step() - g.origin();
                    for (int i = 0; i < p; i++) {
                        s.scatterColumns(s.blocks[i], ty - band, strips[i]);
                    }
                    for (int a = 0; a < q; a++) {
                        if (s.inside(y0 + a)) {
                            float[] row = s.rows[0];
                            System.arraycopy(images, s.imageRow(n, y0 + a), row, s.lo, s.hi - s.lo);
                            for (int i = 0; i < p; i++) {
                                float r = transform[a * p + i];
                                if (r != 0f) {
                                    axpy(r, strips[i], row, s.lo, s.hi);
                                }
                            }
                            System.arraycopy(row, s.lo, images, s.imageRow(n, y0 + a), s.hi - s.lo);
                        }
                    }
                }
            }
        }
    }

    /** {@code y[from, to) = sum_k w[wOffset + k] x[k][from, to)} over {@code count} terms, skipping zero weights. */
    private static void combine(float[] w, int wOffset, int count, float[][] x, float[] y, int from, int to) {
        boolean written = false;
        for (int k = 0; k < count; k++) {
            float f = w[wOffset + k];
            if (f == 0f) {
                continue;
            }
            if (written) {
                axpy(f, x[k], y, from, to);
            } else {
                scale(f, x[k], y, from, to);
                written = true;
            }
        }
        if (!written) {
            Arrays.fill(y, from, to, 0f);
        }
    }

    /**
     * The scratch of one band of tile rows, all arrays indexed alike: image rows and strips
     * {@code [stripWidth*channels]} (strip column {@code x + origin} holds image column x, so the
     * image's part is {@code [lo, hi)}), and per transform row i and tile column b a block
     * {@code [tilesY*tilesX*channels]} holding that column of every tile of the image.
     */
    private static final class Scratch {
        /** The most floats of all blocks together (256 KiB, an L2 cache's worth); larger images go in bands. */
        static final long BLOCK_FLOATS = 1 << 16;

        final ImageTiles g;
        final int points;
        final int c;
        final int stripWidth;
        final int lo;
        final int hi;
        /** Floats of one row of tiles in a block, {@code tilesX*channels}. */
        final int rowBlock;
        /** Rows of tiles per band: as many as keep the blocks within {@link #BLOCK_FLOATS}, at least 1. */
        final int bandRows;
        final int pointStride;
        final float[][] rows;
        final float[] strip;
        final float[][][] blocks;
        final float[] result;
        final float[] weights;
        /** Per tile column b: a strip with that column of a row of tiles in place, zeros elsewhere. */
        final float[][] shifted;

        Scratch(ImageTiles g, int points) {
            this.g = g;
            this.points = points;
            this.c = g.channels();
            this.stripWidth = (g.tilesX() - 1) * g.step() + g.tileSize();
            this.lo = g.origin() * c;
            this.hi = Math.max(lo, Math.min(g.width() + g.origin(), stripWidth) * c);
            this.rowBlock = g.tilesX() * c;
            long perRow = (long) points * g.tileSize() * rowBlock;
            this.bandRows = (int) Math.max(1, Math.min(g.tilesY(), BLOCK_FLOATS / perRow));
            this.pointStride = g.tileCount() * c;
            this.rows = new float[g.tileSize()][stripWidth * c];
            this.strip = new float[stripWidth * c];
            this.blocks = new float[points][g.tileSize()][bandRows * rowBlock];
            this.result = new float[bandRows * rowBlock];
            this.weights = new float[g.tileSize()];
            this.shifted = new float[g.tileSize()][stripWidth * c];
        }

        boolean inside(int y) {
            return y >= 0 && y < g.height();
        }

        int imageRow(int n, int y) {
            return (n * g.height() + y) * g.width() * c;
        }

        /** Offset in the tile domain's point 0 of the first tile of row ty of image n. */
        int tileRow(int n, int ty) {
            return (n * g.tilesY() + ty) * rowBlock;
        }

        /** blocks[b][(ty*tilesX + tx)*c ..] = strip[(tx*step + b)*c ..] for tile row ty of the band. */
        void gatherColumns(float[][] blocks, int ty) {
            for (int b = 0; b < g.tileSize(); b++) {
                for (int tx = 0; tx < g.tilesX(); tx++) {
                    System.arraycopy(strip, (tx * g.step() + b) * c, blocks[b], (ty * g.tilesX() + tx) * c, c);
                }
            }
        }

        /**
         * {@code strip = sum_b shift_b(blocks[b])} for tile row ty: column b of each tile placed at
         * strip column {@code tx*step + b} (overlapping tiles add up).
         */
        void scatterColumns(float[][] blocks, int ty, float[] strip) {
            for (int b = 0; b < g.tileSize(); b++) {
                for (int tx = 0; tx < g.tilesX(); tx++) {
                    System.arraycopy(blocks[b], (ty * g.tilesX() + tx) * c, shifted[b], (tx * g.step() + b) * c, c);
                }
            }
            System.arraycopy(shifted[0], 0, strip, 0, strip.length);
            for (int b = 1; b < g.tileSize(); b++) {
                axpy(1f, shifted[b], strip, 0, strip.length);
            }
        }

        /** Row {@code offset} of the transform ({@code tileSize} weights), zero for tile rows outside the image. */
        float[] insideWeights(float[] transform, int offset, int y0) {
            for (int a = 0; a < g.tileSize(); a++) {
                weights[a] = inside(y0 + a) ? transform[offset + a] : 0f;
            }
            return weights;
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

    /** {@code y[k] += alpha x[k]} for {@code from <= k < to} (one index for both: see the class comment). */
    private static void axpy(float alpha, float[] x, float[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] += alpha * x[k];
        }
    }

    /** {@code y[k] = alpha x[k]} for {@code from <= k < to}. */
    private static void scale(float alpha, float[] x, float[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = alpha * x[k];
        }
    }
}
