package org.optopt.backend.tornado.device;

import org.optopt.api.backend.ImageTiles;
import org.optopt.api.backend.TileTransforms;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The tile transforms of Winograd convolution on the device, each one {@link FixedTask} per grid,
 * transform size and direction: {@code imageToTiles} (one work-item per tile value) and
 * {@code tilesToImageAdd} (one work-item per image value). Both give {@link TileTransforms}' floats
 * bit for bit. That code applies the transform in two passes through a paired plan (row or column
 * pairs of Winograd's {@code +-a} points share their multiplications, terms are summed left to right,
 * and overlapping tiles are summed through groups of tile columns); the plan travels as the task's
 * uniform floats ({@link TileTransforms#imageToTilesTable}, {@link TileTransforms#tilesToImageTable},
 * copied in at every run, so one compiled task serves every transform of its size), and each
 * work-item evaluates exactly the operations that produce its value on the host, in the host's order:
 * a value of the second pass recomputes the first pass's values it reads (a few dozen products,
 * cheap beside a copy through the host). {@code tilesToImageAdd} visits the rows of tiles covering
 * its pixel in ascending order, as the host does, and within a row of tiles sums the groups of tile
 * columns as the host does, so overlapping tiles add up in the host's order.
 *
 * <p>Index arithmetic is {@code int}: {@link ImageTiles} keeps images and tile domains within
 * {@code 2^31 - 1} elements.
 */
final class DeviceTiles {
    private final FixedTask.Cache tasks;

    DeviceTiles(TornadoBackend backend) {
        this.tasks = new FixedTask.Cache(backend);
    }

    private record Forward(ImageTiles grid, int p) { }

    private record Back(ImageTiles grid, int p) { }

    /** Writes the transformed tiles of {@code images} into {@code tiles} (another memory). Callers hold the backend's lock. */
    void imageToTiles(Storage images, ImageTiles g, float[] transform, Storage tiles) {
        int p = transform.length / g.tileSize();
        float[] table = TileTransforms.imageToTilesTable(transform, g.tileSize());
        int total = p * p * g.tileCount() * g.channels();
        tasks.run(new Forward(g, p), () -> new FixedTask("imageToTiles " + g + " to " + p + "x" + p, 2, 2, 1, 0,
                table.length, (graph, a, terms, u) -> graph.task("t", DeviceTiles::imageToTiles, (float[]) a[0],
                        (float[]) a[1], u, g.height(), g.width(), g.channels(), g.tileSize(), g.step(), g.origin(),
                        g.tilesY(), g.tilesX(), p, g.tileCount(), total)),
                new Storage[] {images, tiles}, total, table);
    }

    /** Adds the tiles, transformed back, into {@code images} (another memory). Callers hold the backend's lock. */
    void tilesToImageAdd(Storage tiles, ImageTiles g, float[] transform, Storage images) {
        int p = transform.length / g.tileSize();
        float[] table = TileTransforms.tilesToImageTable(transform, g.tileSize());
        int total = g.batch() * g.height() * g.width() * g.channels();
        tasks.run(new Back(g, p), () -> new FixedTask("tilesToImageAdd " + g + " from " + p + "x" + p, 2, 1, 3, 0,
                table.length, (graph, a, terms, u) -> graph.task("i", DeviceTiles::tilesToImageAdd, (float[]) a[0],
                        (float[]) a[1], u, g.height(), g.width(), g.channels(), g.tileSize(), g.step(), g.origin(),
                        g.tilesY(), g.tilesX(), p, g.tileCount(), total)),
                new Storage[] {images, tiles}, total, table);
    }

    /** Frees every task's device memory (the backend is closing). */
    void close() {
        tasks.close();
    }

    // ---- the device tasks -----------------------------------------------------------------
    // A plan table t (TileTransforms' layout) of R outputs over C inputs: output k's terms at
    // k (1 + 2C), then the output pairs at R (1 + 2C), then the input pairs 2R further.

    /**
     * {@code tiles[i p + j][tile][ch]}: the horizontal pass's point j over column points b of the
     * vertical pass's point i of the tile's pixels ({@code p} outputs over {@code q} inputs).
     */
    static void imageToTiles(float[] images, float[] tiles, float[] t, int height, int width, int channels, int q,
            int step, int origin, int tilesY, int tilesX, int p, int tileCount, int total) {
        for (@Parallel int e = 0; e < total; e++) {
            int ch = e % channels;
            int tile = e / channels % tileCount;
            int point = e / channels / tileCount;
            int n = tile / (tilesY * tilesX);
            int ty = tile / tilesX % tilesY;
            int tx = tile % tilesX;
            int base = n * height * width * channels + ch;
            tiles[e] = horizontal(images, t, point % p, point / p, q, p, base, ty * step - origin,
                    tx * step - origin, step, height, width, channels);
        }
    }

    /** Output j of the horizontal pass (row plan) over the strips of vertical point i at columns {@code x0 + b}. */
    static float horizontal(float[] images, float[] t, int j, int i, int q, int p, int base, int y0, int x0, int step,
            int height, int width, int channels) {
        int pairs = p * (1 + 2 * q);
        int partner = (int) t[pairs + 2 * j];
        if (partner < 0) {
            return horizontalSum(images, t, j, i, q, p, base, y0, x0, height, width, channels);
        }
        float e = horizontalSum(images, t, Math.min(j, partner), i, q, p, base, y0, x0, height, width, channels);
        float o = horizontalSum(images, t, Math.max(j, partner), i, q, p, base, y0, x0, height, width, channels);
        return evenAndOdd(j < partner, t[pairs + 2 * j + 1], e, o);
    }

    /** The terms of output k of the horizontal pass, summed left to right (a strip outside the image is 0). */
    static float horizontalSum(float[] images, float[] t, int k, int i, int q, int p, int base, int y0, int x0,
            int height, int width, int channels) {
        int at = k * (1 + 2 * q);
        int count = (int) t[at];
        float v = 0f;
        for (int u = 0; u < count; u++) {
            int x = x0 + (int) t[at + 1 + 2 * u];
            float strip = x >= 0 && x < width
                    ? vertical(images, t, i, q, p, base + x * channels, y0, height, width * channels) : 0f;
            float term = t[at + 2 + 2 * u] * strip;
            v = u == 0 ? term : v + term;
        }
        return v;
    }

    /** Output i of the vertical pass (row plan) over the image rows {@code y0 + a} of one column (0 outside the image). */
    static float vertical(float[] images, float[] t, int i, int q, int p, int column, int y0, int height, int rowStride) {
        int pairs = p * (1 + 2 * q);
        int partner = (int) t[pairs + 2 * i];
        if (partner < 0) {
            return verticalSum(images, t, i, q, column, y0, height, rowStride);
        }
        float e = verticalSum(images, t, Math.min(i, partner), q, column, y0, height, rowStride);
        float o = verticalSum(images, t, Math.max(i, partner), q, column, y0, height, rowStride);
        return evenAndOdd(i < partner, t[pairs + 2 * i + 1], e, o);
    }

    /** The terms of output k of the vertical pass, summed left to right. */
    static float verticalSum(float[] images, float[] t, int k, int q, int column, int y0, int height, int rowStride) {
        int at = k * (1 + 2 * q);
        int count = (int) t[at];
        float v = 0f;
        for (int u = 0; u < count; u++) {
            int y = y0 + (int) t[at + 1 + 2 * u];
            float pixel = y >= 0 && y < height ? images[column + y * rowStride] : 0f;
            float term = t[at + 2 + 2 * u] * pixel;
            v = u == 0 ? term : v + term;
        }
        return v;
    }

    /** An output pair from its even part e and odd part o: {@code e + o} for the first, {@code s (e - o)} for the second. */
    static float evenAndOdd(boolean first, float s, float e, float o) {
        return first ? e + o : s * (e - o);
    }

    /**
     * {@code images[e] +=}, for each row of tiles covering the pixel in ascending order, the vertical
     * pass's output (its row a in the tile) over the strips of the horizontal pass at its column.
     */
    static void tilesToImageAdd(float[] images, float[] tiles, float[] t, int height, int width, int channels,
            int q, int step, int origin, int tilesY, int tilesX, int p, int tileCount, int total) {
        for (@Parallel int e = 0; e < total; e++) {
            int ch = e % channels;
            int pixel = e / channels;
            int x = pixel % width;
            int y = pixel / width % height;
            int n = pixel / (width * height);
            int firstTile = n * tilesY * tilesX;
            float v = images[e];
            for (int ty = 0; ty < tilesY; ty++) {
                int a = y + origin - ty * step;
                if (a >= 0 && a < q) {
                    int at = a * (1 + 2 * p);
                    int count = (int) t[at];
                    for (int u = 0; u < count; u++) {
                        float strip = stripInput(tiles, t, (int) t[at + 1 + 2 * u], q, p, firstTile + ty * tilesX,
                                x + origin, step, tilesX, tileCount, channels, ch);
                        v = v + t[at + 2 + 2 * u] * strip;
                    }
                }
            }
            images[e] = v;
        }
    }

    /** Input i of the vertical pass at strip column sc: the strip, or its sum or difference with its pair's partner. */
    static float stripInput(float[] tiles, float[] t, int i, int q, int p, int rowTile, int sc, int step, int tilesX,
            int tileCount, int channels, int ch) {
        int pairs = q * (1 + 2 * p) + 2 * q;
        int partner = (int) t[pairs + 2 * i];
        if (partner < 0) {
            return strip(tiles, t, i, q, p, rowTile, sc, step, tilesX, tileCount, channels, ch);
        }
        float first = strip(tiles, t, Math.min(i, partner), q, p, rowTile, sc, step, tilesX, tileCount, channels, ch);
        float second = strip(tiles, t, Math.max(i, partner), q, p, rowTile, sc, step, tilesX, tileCount, channels, ch);
        return sumOrDifference(i < partner, t[pairs + 2 * i + 1], first, second);
    }

    /**
     * Strip i of a row of tiles at strip column sc: per group of tile columns {@code b} in
     * {@code [k step, (k + 1) step)} the block value of the one tile placing its column b there (0 if
     * none), the groups summed in order.
     */
    static float strip(float[] tiles, float[] t, int i, int q, int p, int rowTile, int sc, int step, int tilesX,
            int tileCount, int channels, int ch) {
        int groups = (q + step - 1) / step;
        float sum = 0f;
        for (int k = 0; k < groups; k++) {
            int b = k * step + sc % step;
            int d = sc - b;
            float g = b < q && d >= 0 && d / step < tilesX
                    ? block(tiles, t, i, b, q, p, (rowTile + d / step) * channels + ch, tileCount * channels) : 0f;
            sum = k == 0 ? g : sum + g;
        }
        return sum;
    }

    /** Output b of the horizontal pass (column plan) over the tile's points {@code (i, j)}, summed left to right. */
    static float block(float[] tiles, float[] t, int i, int b, int q, int p, int offset, int pointStride) {
        int at = b * (1 + 2 * p);
        int count = (int) t[at];
        int pairs = q * (1 + 2 * p) + 2 * q;
        float v = 0f;
        for (int u = 0; u < count; u++) {
            int j = (int) t[at + 1 + 2 * u];
            int partner = (int) t[pairs + 2 * j];
            float x = tiles[(i * p + j) * pointStride + offset];
            if (partner >= 0) {
                float first = tiles[(i * p + Math.min(j, partner)) * pointStride + offset];
                float second = tiles[(i * p + Math.max(j, partner)) * pointStride + offset];
                x = sumOrDifference(j < partner, t[pairs + 2 * j + 1], first, second);
            }
            float term = t[at + 2 + 2 * u] * x;
            v = u == 0 ? term : v + term;
        }
        return v;
    }

    /** An input pair's sum {@code u + s v} (for the first) or difference {@code u - s v}. */
    static float sumOrDifference(boolean first, float s, float u, float v) {
        float b = s * v;
        return first ? u + b : u - b;
    }
}
