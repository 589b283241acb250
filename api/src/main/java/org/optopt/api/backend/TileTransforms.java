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
 * way back runs the passes in reverse, a row of tiles' columns copied into strips in groups that do
 * not overlap, and the groups summed. Each pass applies the transform to whole vectors through
 * {@link PairedTransform}: the rows (or columns) of a {@code +-a} point pair share their
 * multiplications, zero entries are skipped, and up to four terms are summed per store.
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
        int q = g.tileSize();
        int p = ImageTiles.transformRows(transform, q, "imageToTiles");
        PairedTransform plan = PairedTransform.ofRows(transform, p, q);
        Scratch s = new Scratch(g, p, false);
        for (int n = 0; n < g.batch(); n++) {
            for (int band = 0; band < g.tilesY(); band += s.bandRows) {
                int rows = Math.min(s.bandRows, g.tilesY() - band);
                for (int ty = band; ty < band + rows; ty++) {
                    int y0 = ty * g.step() - g.origin();
                    for (int a = 0; a < q; a++) {
                        if (s.inside(y0 + a)) {
                            System.arraycopy(images, s.imageRow(n, y0 + a), s.rows[a], s.lo, s.hi - s.lo);
                        } else {
                            Arrays.fill(s.rows[a], s.lo, s.hi, 0f);
                        }
                    }
                    plan.apply(s.rows, s.strips, s.lo, s.hi, false);
                    for (int i = 0; i < p; i++) {
                        s.gatherColumns(s.strips[i], s.blocks[i], ty - band);
                    }
                }
                int length = rows * s.rowBlock;
                for (int i = 0; i < p; i++) {
                    plan.apply(s.blocks[i], s.points, 0, length, false);
                    for (int j = 0; j < p; j++) {
                        System.arraycopy(s.points[j], 0, out, (i * p + j) * s.pointStride + s.tileRow(n, band),
                                length);
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
        PairedTransform plan = PairedTransform.ofColumns(transform, q, p);
        Scratch s = new Scratch(g, p, true);
        float[][] strips = new float[p][];
        float[][] imageRows = new float[q][];
        for (int n = 0; n < g.batch(); n++) {
            for (int band = 0; band < g.tilesY(); band += s.bandRows) {
                int rows = Math.min(s.bandRows, g.tilesY() - band);
                int length = rows * s.rowBlock;
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        System.arraycopy(tiles, (i * p + j) * s.pointStride + s.tileRow(n, band), s.points[j], 0,
                                length);
                    }
                    plan.apply(s.points, s.blocks[i], 0, length, false);
                }
                for (int ty = band; ty < band + rows; ty++) {
                    int y0 = ty * g.step() - g.origin();
                    for (int i = 0; i < p; i++) {
                        strips[i] = s.scatterColumns(s.blocks[i], ty - band, i);
                    }
                    for (int a = 0; a < q; a++) {
                        imageRows[a] = s.inside(y0 + a) ? s.rows[a] : null;
                        if (imageRows[a] != null) {
                            System.arraycopy(images, s.imageRow(n, y0 + a), s.rows[a], s.lo, s.hi - s.lo);
                        }
                    }
                    plan.apply(strips, imageRows, s.lo, s.hi, true);
                    for (int a = 0; a < q; a++) {
                        if (imageRows[a] != null) {
                            System.arraycopy(s.rows[a], s.lo, images, s.imageRow(n, y0 + a), s.hi - s.lo);
                        }
                    }
                }
            }
        }
    }

    /**
     * The plan {@link #imageToTiles} applies in both its passes (the {@code p x tileSize} matrix
     * {@code transform} with its row pairs shared), as a table for a device task that reproduces its
     * order of operations per output value: the layout of {@code PairedTransform}'s table, with
     * {@code p} outputs and {@code tileSize} inputs.
     */
    public static float[] imageToTilesTable(float[] transform, int tileSize) {
        int p = ImageTiles.transformRows(transform, tileSize, "imageToTiles transform");
        return PairedTransform.ofRows(transform, p, tileSize).table(tileSize);
    }

    /**
     * The plan {@link #tilesToImageAdd} applies in both its passes (the {@code tileSize x p} matrix
     * {@code transform} with its column pairs shared), as a table like {@link #imageToTilesTable}'s,
     * with {@code tileSize} outputs and {@code p} inputs.
     */
    public static float[] tilesToImageTable(float[] transform, int tileSize) {
        int p = ImageTiles.transformRows(transform, tileSize, "tilesToImageAdd transform");
        return PairedTransform.ofColumns(transform, tileSize, p).table(p);
    }

    /**
     * The scratch of one band of tile rows, all arrays indexed alike: image rows and strips
     * {@code [stripWidth*channels]} (strip column {@code x + origin} holds image column x, so the
     * image's part is {@code [lo, hi)}), per transform row i and tile column b a block
     * {@code [bandRows*tilesX*channels]} holding that column of every tile of the band, and one
     * such block per transform point.
     */
    private static final class Scratch {
        /** The most floats of all blocks together (256 KiB, an L2 cache's worth); larger images go in bands. */
        static final long BLOCK_FLOATS = 1 << 16;

        final ImageTiles g;
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
        final float[][] strips;
        final float[][][] blocks;
        final float[][] points;
        /**
         * Per transform row i and group k of tile columns {@code [k*step, (k+1)*step)}, whose pixels
         * of a row of tiles never overlap: a strip with those columns in place, zeros elsewhere (way
         * back only).
         */
        final float[][][] groups;
        /** Sums the groups of a transform row into its strip. */
        final PairedTransform addGroups;

        Scratch(ImageTiles g, int p, boolean wayBack) {
            this.g = g;
            this.c = g.channels();
            this.stripWidth = (g.tilesX() - 1) * g.step() + g.tileSize();
            this.lo = g.origin() * c;
            this.hi = Math.max(lo, Math.min(g.width() + g.origin(), stripWidth) * c);
            this.rowBlock = g.tilesX() * c;
            long perRow = (long) p * g.tileSize() * rowBlock;
            this.bandRows = (int) Math.max(1, Math.min(g.tilesY(), BLOCK_FLOATS / perRow));
            this.pointStride = g.tileCount() * c;
            this.rows = new float[g.tileSize()][stripWidth * c];
            this.strips = new float[p][stripWidth * c];
            this.blocks = new float[p][g.tileSize()][bandRows * rowBlock];
            this.points = new float[p][bandRows * rowBlock];
            int groupCount = (g.tileSize() + g.step() - 1) / g.step();
            this.groups = new float[wayBack ? p : 0][groupCount][stripWidth * c];
            float[] ones = new float[groupCount];
            Arrays.fill(ones, 1f);
            this.addGroups = PairedTransform.ofRows(ones, 1, groupCount);
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
        void gatherColumns(float[] strip, float[][] blocks, int ty) {
            for (int b = 0; b < g.tileSize(); b++) {
                for (int tx = 0; tx < g.tilesX(); tx++) {
                    System.arraycopy(strip, (tx * g.step() + b) * c, blocks[b], (ty * g.tilesX() + tx) * c, c);
                }
            }
        }

        /**
         * The strip of transform row i for tile row ty: column b of each tile placed at strip column
         * {@code tx*step + b}, overlapping tiles added up. Columns of one group are copied into place;
         * the groups, if several, are summed into {@code strips[i]}, which is returned, else the one
         * group's strip is. Its pixels that no tile covers stay zero (nothing writes them).
         */
        float[] scatterColumns(float[][] blocks, int ty, int i) {
            for (int b = 0; b < g.tileSize(); b++) {
                float[] group = groups[i][b / g.step()];
                for (int tx = 0; tx < g.tilesX(); tx++) {
                    System.arraycopy(blocks[b], (ty * g.tilesX() + tx) * c, group, (tx * g.step() + b) * c, c);
                }
            }
            if (groups[i].length == 1) {
                return groups[i][0];
            }
            addGroups.apply(groups[i], new float[][] {strips[i]}, 0, strips[i].length, false);
            return strips[i];
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
}
