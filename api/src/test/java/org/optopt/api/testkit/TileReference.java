package org.optopt.api.testkit;

import java.util.List;
import org.optopt.api.backend.ImageTiles;

/**
 * The tile primitives of {@link org.optopt.api.backend.Backend} written from their definitions in
 * double, one tile, point, pixel and channel at a time, as the independent reference of the
 * conformance tests.
 */
public final class TileReference {
    private TileReference() {}

    /**
     * Odd grids: overlapping tiles with padding (a Winograd input), adjacent tiles clipped at the
     * edge (a Winograd output), gaps between tiles, tiles entirely outside the image, one tile per
     * image (a filter), one channel and channel counts off the vector widths, and a grid large
     * enough to be transformed in several bands of tile rows.
     */
    public static List<ImageTiles> grids() {
        return List.of(
                new ImageTiles(2, 7, 9, 3, 6, 2, 2, 4, 5),
                new ImageTiles(2, 7, 9, 5, 2, 2, 0, 4, 5),
                new ImageTiles(1, 6, 6, 2, 2, 4, 1, 2, 2),
                new ImageTiles(1, 3, 4, 1, 4, 3, 5, 3, 3),
                new ImageTiles(4, 5, 5, 33, 5, 5, 0, 1, 1),
                new ImageTiles(3, 4, 3, 9, 8, 4, 2, 2, 2),
                new ImageTiles(1, 20, 36, 33, 8, 4, 2, 5, 9));
    }

    /** The image element (flat index) under tile pixel (a, b) of tile t, channel c; -1 outside the image. */
    public static int source(ImageTiles g, int t, int a, int b, int c) {
        int n = t / (g.tilesY() * g.tilesX());
        int ty = t / g.tilesX() % g.tilesY();
        int tx = t % g.tilesX();
        int y = ty * g.step() - g.origin() + a;
        int x = tx * g.step() - g.origin() + b;
        if (y < 0 || y >= g.height() || x < 0 || x >= g.width()) {
            return -1;
        }
        return ((n * g.height() + y) * g.width() + x) * g.channels() + c;
    }

    /** {@code imageToTiles} by definition: {@code L d L^T} per tile and channel, L of p rows. */
    public static double[] imageToTiles(float[] images, ImageTiles g, float[] l, int p) {
        int q = g.tileSize();
        int c = g.channels();
        double[] out = new double[p * p * g.tileCount() * c];
        for (int t = 0; t < g.tileCount(); t++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        double sum = 0;
                        for (int a = 0; a < q; a++) {
                            for (int b = 0; b < q; b++) {
                                int src = source(g, t, a, b, ch);
                                if (src >= 0) {
                                    sum += (double) l[i * q + a] * l[j * q + b] * images[src];
                                }
                            }
                        }
                        out[((i * p + j) * g.tileCount() + t) * c + ch] = sum;
                    }
                }
            }
        }
        return out;
    }

    /** {@code tilesToImageAdd} by definition: {@code images + R t R^T} per tile and channel, R of p columns. */
    public static double[] tilesToImageAdd(float[] tiles, ImageTiles g, float[] r, int p, float[] images) {
        int q = g.tileSize();
        int c = g.channels();
        double[] out = new double[images.length];
        for (int i = 0; i < images.length; i++) {
            out[i] = images[i];
        }
        for (int t = 0; t < g.tileCount(); t++) {
            for (int ch = 0; ch < c; ch++) {
                for (int a = 0; a < q; a++) {
                    for (int b = 0; b < q; b++) {
                        int dst = source(g, t, a, b, ch);
                        if (dst < 0) {
                            continue;
                        }
                        for (int i = 0; i < p; i++) {
                            for (int j = 0; j < p; j++) {
                                out[dst] += (double) r[a * p + i] * r[b * p + j]
                                        * tiles[((i * p + j) * g.tileCount() + t) * c + ch];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
