package org.optopt.api.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.WindowReference;

/**
 * The default window primitives (composed from gathers, scatters and elementwise ops, what a
 * backend that does not override them runs) against their definitions in {@link WindowReference}.
 */
class WindowGathersTest {
    private final Backend be = new ReferenceBackend();

    private static float[] integers(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(-8, 9);
        }
        return x;
    }

    @Test
    void im2colAndCol2imMatchTheirDefinitions() {
        for (ImageWindow w : WindowReference.geometries()) {
            float[] x = integers(w.imageShape().size(), 1);
            try (Tensor patches = be.full(w.patchShape(), Float.NaN);
                    Tensor images = be.fromArray(x, w.imageShape())) {
                WindowGathers.im2col(be, images, w, patches);
                assertArrayEquals(WindowReference.im2col(x, w), patches.toArray(), "im2col " + w);
                float[] p = integers(w.patchShape().size(), 2);
                try (Tensor pt = be.fromArray(p, w.patchShape())) {
                    WindowGathers.col2imAdd(be, pt, w, images);
                }
                double[] expected = WindowReference.col2imAdd(p, w, x);
                float[] got = images.toArray();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], "col2im " + w + " element " + i);
                }
            }
        }
    }

    @Test
    void maxPoolAndItsGradientMatchTheirDefinitions() {
        for (ImageWindow w : WindowReference.geometries()) {
            float[] x = integers(w.imageShape().size(), 3);
            float[] g = integers(w.pooledShape().size(), 4);
            float[] base = integers(x.length, 5);
            try (Tensor images = be.fromArray(x, w.imageShape());
                    Tensor out = be.zeros(w.pooledShape());
                    Tensor gy = be.fromArray(g, w.pooledShape());
                    Tensor gx = be.fromArray(base, w.imageShape())) {
                WindowGathers.maxPool(be, images, w, out);
                assertArrayEquals(WindowReference.maxPool(x, w), out.toArray(), "maxPool " + w);
                WindowGathers.maxPoolBackwardAdd(be, images, w, out, gy, gx);
                assertArrayEquals(WindowReference.maxPoolBackwardAdd(x, w, g, base), gx.toArray(),
                        "maxPool gradient " + w);
            }
        }
    }

    @Test
    void shapesAreChecked() {
        ImageWindow w = WindowReference.geometries().get(0);
        try (Tensor images = be.zeros(w.imageShape()); Tensor wrong = be.zeros(w.imageShape())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WindowGathers.im2col(be, images, w, wrong));
            assertEquals("im2col patches: shape " + w.imageShape() + " does not match the window's "
                    + w.patchShape(), e.getMessage());
        }
    }

    @Test
    void windowsThatDoNotFitAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageWindow(1, 2, 2, 1, 3, 3, 1, 0));
        assertEquals("ImageWindow: kernel 3x3 does not fit 2x2 images with padding 0", e.getMessage());
    }
}
