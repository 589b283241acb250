package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.ImageTiles;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.TestData;
import org.optopt.backend.tornado.DeviceTransfers.Counts;
import org.optopt.tasks.autodiff.WinogradTransform;

/**
 * The tile transforms ({@code imageToTiles}, {@code tilesToImageAdd}) as single device tasks
 * ({@code primitives=device}): the reference backend's bits for Winograd's own transforms
 * ({@code F(2, 3)} and the {@code F(4, 5)} of 5x5 convolutions, on input, filter and output grids, both
 * directions), a random transform without pairs on a grid with gaps between tiles, odd sizes,
 * padding, several channels and images, and special values (NaN, infinities, zeros of both signs);
 * one task run each, its result left on the device. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoTilesTest extends DeviceUnderTest {
    private static final Backend REFERENCE = new ReferenceBackend();

    /** A grid and a transform L ({@code p x tileSize}) for {@code imageToTiles}; {@code L^T} goes back. */
    private record Case(ImageTiles grid, float[] l, int p) { }

    private static List<Case> cases() {
        WinogradTransform f23 = WinogradTransform.of(2, 3);
        WinogradTransform f45 = WinogradTransform.of(4, 5);
        return List.of(
                new Case(new ImageTiles(2, 7, 9, 3, 4, 2, 1, 4, 5), floats(f23.bt()), 4),
                new Case(new ImageTiles(2, 7, 9, 5, 2, 2, 0, 4, 5), TestData.transpose(floats(f23.at()), 2, 4), 4),
                new Case(new ImageTiles(3, 3, 3, 2, 3, 3, 0, 1, 1), floats(f23.g()), 4),
                new Case(new ImageTiles(2, 9, 11, 3, 8, 4, 2, 3, 3), floats(f45.bt()), 8),
                new Case(new ImageTiles(1, 9, 11, 2, 4, 4, 0, 3, 3), TestData.transpose(floats(f45.at()), 4, 8), 8),
                new Case(new ImageTiles(2, 5, 5, 3, 5, 5, 0, 1, 1), floats(f45.g()), 8),
                new Case(new ImageTiles(1, 6, 7, 2, 2, 4, 1, 2, 2), TestData.normal(6, 31), 3));
    }

    private static float[] floats(double[] m) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = (float) m[i];
        }
        return f;
    }

    @Test
    void bothDirectionsEqualTheReferenceBitForBit() {
        int seed = 0;
        for (Case c : cases()) {
            ImageTiles g = c.grid();
            float[] r = TestData.transpose(c.l(), c.p(), g.tileSize());
            for (TestData.Domain domain : List.of(TestData.Domain.SPECIAL, TestData.Domain.SIGNED)) {
                seed++;
                float[] x = TestData.of(domain, g.imageShape().size(), 40 + seed, 0);
                Tensor tiles = backend.zeros(g.tilesShape(c.p()));
                Tensor expected = REFERENCE.zeros(g.tilesShape(c.p()));
                backend.imageToTilesInPlace(backend.fromArray(x, g.imageShape()), g, c.l(), tiles);
                REFERENCE.imageToTilesInPlace(REFERENCE.fromArray(x, g.imageShape()), g, c.l(), expected);
                assertArrayEquals(expected.toArray(), tiles.toArray(), "imageToTiles " + g + " " + domain);

                float[] t = TestData.of(domain, g.tilesShape(c.p()).size(), 60 + seed, 0);
                float[] base = TestData.of(domain, x.length, 80 + seed, 0);
                Tensor images = backend.fromArray(base, g.imageShape());
                Tensor sums = REFERENCE.fromArray(base, g.imageShape());
                backend.tilesToImageAddInPlace(backend.fromArray(t, g.tilesShape(c.p())), g, r, images);
                REFERENCE.tilesToImageAddInPlace(REFERENCE.fromArray(t, g.tilesShape(c.p())), g, r, sums);
                assertArrayEquals(sums.toArray(), images.toArray(), "tilesToImageAdd " + g + " " + domain);
            }
        }
    }

    /** A second transform of new data on a known grid: the operand goes in, nothing comes back. */
    @Test
    void eachIsOneTaskWhoseResultStaysOnTheDevice() {
        Case c = cases().getFirst();
        ImageTiles g = c.grid();
        float[] r = TestData.transpose(c.l(), c.p(), g.tileSize());
        Tensor tiles = backend.zeros(g.tilesShape(c.p()));
        Tensor images = backend.zeros(g.imageShape());
        backend.imageToTilesInPlace(backend.zeros(g.imageShape()), g, c.l(), tiles);
        backend.tilesToImageAddInPlace(backend.zeros(g.tilesShape(c.p())), g, r, images);
        Tensor x = backend.fromArray(TestData.normal(g.imageShape().size(), 18), g.imageShape());
        Tensor t = backend.fromArray(TestData.normal(g.tilesShape(c.p()).size(), 19), g.tilesShape(c.p()));
        Counts before = counts();
        backend.imageToTilesInPlace(x, g, c.l(), tiles);
        backend.tilesToImageAddInPlace(t, g, r, images);
        Counts runs = counts().since(before);
        assertEquals(2, runs.toDevice(), "the operands, once per task");
        assertEquals(0, runs.toHost(), "the results stay on the device");
    }

    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }
}
