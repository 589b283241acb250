package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.ImageWindow;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.TestData;
import org.optopt.backend.tornado.DeviceTransfers.Counts;

/**
 * {@code im2col}, {@code col2im} and max pooling as single device tasks ({@code primitives=device}): the reference
 * backend's bits on windows with stride, padding (windows wholly in the padding included) and
 * special values (NaN, infinities, zeros of both signs), and one task run each, its result left on
 * the device. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoWindowsTest extends DeviceUnderTest {
    private static final Backend REFERENCE = new ReferenceBackend();
    private static final List<ImageWindow> WINDOWS = List.of(
            new ImageWindow(2, 5, 7, 3, 3, 3, 1, 1),
            new ImageWindow(1, 6, 5, 2, 2, 2, 2, 0),
            new ImageWindow(3, 4, 4, 1, 3, 2, 3, 2),
            new ImageWindow(1, 1, 1, 5, 1, 1, 1, 0));

    @Test
    void im2colCol2imAndMaxPoolEqualTheReferenceBitForBit() {
        for (ImageWindow w : WINDOWS) {
            float[] x = TestData.of(TestData.Domain.SPECIAL, w.imageShape().size(), 17, 0);
            Tensor images = backend.fromArray(x, w.imageShape());
            Tensor reference = REFERENCE.fromArray(x, w.imageShape());
            Tensor patches = backend.zeros(w.patchShape());
            Tensor expected = REFERENCE.zeros(w.patchShape());
            backend.im2colInPlace(images, w, patches);
            REFERENCE.im2colInPlace(reference, w, expected);
            assertArrayEquals(expected.toArray(), patches.toArray(), "im2col " + w);
            Tensor pooled = backend.zeros(w.pooledShape());
            Tensor max = REFERENCE.zeros(w.pooledShape());
            backend.maxPoolInPlace(images, w, pooled);
            REFERENCE.maxPoolInPlace(reference, w, max);
            assertArrayEquals(max.toArray(), pooled.toArray(), "maxPool " + w);
            float[] p = TestData.of(TestData.Domain.SPECIAL, w.patchShape().size(), 19, 0);
            float[] base = TestData.of(TestData.Domain.SPECIAL, x.length, 20, 0);
            Tensor sums = backend.fromArray(base, w.imageShape());
            Tensor expectedSums = REFERENCE.fromArray(base, w.imageShape());
            backend.col2imAddInPlace(backend.fromArray(p, w.patchShape()), w, sums);
            REFERENCE.col2imAddInPlace(REFERENCE.fromArray(p, w.patchShape()), w, expectedSums);
            assertArrayEquals(expectedSums.toArray(), sums.toArray(), "col2im " + w);
        }
    }

    /**
     * A second {@code im2col}, pooling and {@code col2im} of new operands of a known window: the
     * operands go in, nothing comes back (the summed images are already on the device).
     */
    @Test
    void eachIsOneTaskWhoseResultStaysOnTheDevice() {
        ImageWindow w = WINDOWS.getFirst();
        Tensor patches = backend.zeros(w.patchShape());
        Tensor pooled = backend.zeros(w.pooledShape());
        Tensor sums = backend.zeros(w.imageShape());
        backend.im2colInPlace(backend.zeros(w.imageShape()), w, patches);
        backend.maxPoolInPlace(backend.zeros(w.imageShape()), w, pooled);
        backend.col2imAddInPlace(backend.zeros(w.patchShape()), w, sums);
        Tensor grads = backend.fromArray(TestData.normal(w.patchShape().size(), 19), w.patchShape());
        Tensor images = backend.fromArray(TestData.normal(w.imageShape().size(), 18), w.imageShape());
        Counts before = counts();
        backend.im2colInPlace(images, w, patches);
        backend.maxPoolInPlace(images, w, pooled);
        backend.col2imAddInPlace(grads, w, sums);
        Counts runs = counts().since(before);
        assertEquals(3, runs.toDevice(), "the images, once per forward task, and the patches");
        assertEquals(0, runs.toHost(), "the results stay on the device");
    }

    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }
}
