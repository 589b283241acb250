package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.TestData;
import org.optopt.backend.tornado.DeviceTransfers.Counts;

/**
 * Elementwise primitives on the device ({@code primitives=device}): a chain of them computes the
 * reference backend's floats bit for bit, a result fed back into its own task is read correctly,
 * and an in-place primitive repeated on one tensor (a
 * gradient accumulating contributions) keeps it on the device. Skipped, saying why, without a
 * TornadoVM SDK.
 */
class TornadoElementwiseTest extends DeviceUnderTest {
    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }

    /** {@code fill}, {@code axpy}, {@code zip} (of two tensors and with a scalar), {@code map} and {@code copy} in a chain. */
    @Test
    void aChainOfElementwisePrimitivesGivesTheReferenceFloats() {
        Shape shape = Shape.matrix(37, 11);
        float[] x = TestData.normal(shape.size(), 5);
        assertArrayEquals(chain(new ReferenceBackend(), x, shape).toArray(), chain(backend, x, shape).toArray());
    }

    /**
     * {@code m = zip(MAX, m, v)} over new {@code v}: each run moves the task's previous result,
     * which the device alone holds in the task's output slot, into its input slot (the pattern of
     * max pooling); the result read back must be that output, not the input slot's older data.
     */
    @Test
    void aResultFedBackIntoItsOwnTaskIsItsLatestValue() {
        Shape shape = Shape.vector(257);
        Backend reference = new ReferenceBackend();
        Tensor m = backend.full(shape, Float.NEGATIVE_INFINITY);
        Tensor mr = reference.full(shape, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < 5; i++) {
            float[] v = TestData.normal(shape.size(), 20 + i);
            m = backend.zip(BinaryOp.MAX, m, backend.fromArray(v, shape));
            mr = reference.zip(BinaryOp.MAX, mr, reference.fromArray(v, shape));
        }
        assertArrayEquals(mr.toArray(), m.toArray());
    }

    /**
     * Five {@code axpy} into one {@code y}: after the first (which moves {@code y} into the task's
     * slot), each run copies in {@code x} alone and nothing comes back until {@code y} is read.
     */
    @Test
    void anAccumulatorStaysOnTheDevice() {
        Shape shape = Shape.vector(1000);
        float[] x = TestData.normal(shape.size(), 6);
        float[] y = TestData.normal(shape.size(), 7);
        Backend reference = new ReferenceBackend();
        Tensor xr = reference.fromArray(x, shape);
        Tensor yr = reference.fromArray(y, shape);
        Tensor xt = backend.fromArray(x, shape);
        Tensor yt = backend.fromArray(y, shape);
        backend.axpyInPlace(0.5f, xt, yt);
        reference.axpyInPlace(0.5f, xr, yr);
        Counts before = counts();
        for (int i = 1; i <= 4; i++) {
            backend.axpyInPlace(i, xt, yt);
            reference.axpyInPlace(i, xr, yr);
        }
        Counts runs = counts().since(before);
        assertEquals(4, runs.toDevice(), "x alone is copied in at each run");
        assertEquals(0, runs.toHost(), "y stays on the device");
        assertArrayEquals(yr.toArray(), yt.toArray());
        assertEquals(1, counts().since(before).toHost(), "reading y copies it back once");
    }

    /** {@code y = fill(0.5); y += -1.25 x; z = tanh(y * x) / 3; w = copy of z}. */
    private static Tensor chain(Backend b, float[] x, Shape shape) {
        Tensor xt = b.fromArray(x, shape);
        Tensor y = b.zeros(shape);
        b.fillInPlace(y, 0.5f);
        b.axpyInPlace(-1.25f, xt, y);
        Tensor z = b.zip(BinaryOp.DIV, b.map(UnaryOp.TANH, b.zip(BinaryOp.MUL, y, xt)), 3f);
        Tensor w = b.zeros(shape);
        b.copyInPlace(z, w);
        return w;
    }
}
