package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.TestData;
import org.optopt.backend.tornado.DeviceTransfers.Counts;

/**
 * Reductions on the device ({@code primitives=device}): along an axis and {@code argmax} give the
 * reference backend's floats and indices bit for bit on odd shapes, NaN, infinities and signed
 * zeros; the whole reductions and {@code dot} meet the conformance kit's {@code 1e-9} against a
 * sequential double sum (sums past the float range included) and bring back only their partials.
 * Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoReductionsTest extends DeviceUnderTest {
    private static final Backend REFERENCE = new ReferenceBackend();

    /** Special values (NaN, infinities, signed zeros, extremes) among normal samples, or zeros of both signs alone. */
    private static float[] data(int n, long seed, boolean zeros) {
        if (!zeros) {
            return TestData.of(TestData.Domain.SPECIAL, n, seed, 0);
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextBoolean() ? 0f : -0f;
        }
        return x;
    }

    @Test
    void reductionsAlongAnAxisEqualTheHostBitForBit() {
        for (Shape shape : List.of(Shape.vector(1), Shape.vector(300), Shape.matrix(1, 1), Shape.matrix(33, 1),
                Shape.matrix(7, 33), Shape.of(4, 7, 19), Shape.of(3, 1, 2))) {
            for (boolean zeros : new boolean[] {false, true}) {
                float[] x = data(shape.size(), shape.size(), zeros);
                Tensor t = backend.fromArray(x, shape);
                Tensor r = REFERENCE.fromArray(x, shape);
                for (ReduceOp op : ReduceOp.values()) {
                    for (int axis = 0; axis < shape.rank(); axis++) {
                        String what = op + " of " + shape + (zeros ? " (signed zeros)" : "") + " along " + axis;
                        Tensor got = backend.reduce(op, t, axis);
                        assertEquals(REFERENCE.reduce(op, r, axis).shape(), got.shape(), what);
                        assertArrayEquals(REFERENCE.reduce(op, r, axis).toArray(), got.toArray(), what);
                    }
                }
            }
        }
    }

    /** The bias-gradient pattern: column sums of a batch's gradient stay on the device until read. */
    @Test
    void aColumnSumStaysOnTheDevice() {
        Shape shape = Shape.matrix(32, 10);
        float[] x = TestData.normal(shape.size(), 3);
        Tensor t = backend.fromArray(x, shape);
        backend.reduce(ReduceOp.SUM, t, 0).close();
        Counts before = counts();
        Tensor sum = backend.reduce(ReduceOp.SUM, t, 0);
        Counts run = counts().since(before);
        assertEquals(1, run.toDevice(), "the operand alone is copied in");
        assertEquals(0, run.toHost(), "the sums stay on the device");
        assertArrayEquals(REFERENCE.reduce(ReduceOp.SUM, REFERENCE.fromArray(x, shape), 0).toArray(), sum.toArray());
    }

    @Test
    void wholeReductionsAreWithinTheKitToleranceOfASequentialDoubleSum() {
        for (int n : new int[] {1, 63, 64, 65, 1003, 65537, 300_000}) {
            float[] x = TestData.normal(n, n);
            float[] y = TestData.normal(n, n + 1);
            for (ReduceOp op : ReduceOp.values()) {
                double expected = op.identity();
                for (float v : x) {
                    expected = op.combine(expected, v);
                }
                assertClose(expected, backend.reduce(op, backend.fromArray(x, Shape.vector(n))), op + " of " + n);
            }
            double dot = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                dot += (double) x[i] * y[i];
                squares += (double) x[i] * x[i];
            }
            Tensor tx = backend.fromArray(x, Shape.vector(n));
            assertClose(dot, backend.dot(tx, backend.fromArray(y, Shape.vector(n))), "dot of " + n);
            assertClose(squares, backend.dot(tx, tx), "dot of " + n + " with itself");
            assertClose(squares, backend.dot(tx, backend.reshape(tx, Shape.vector(n))), "dot with a view of itself");
            assertClose(Math.sqrt(squares), backend.norm2(tx), "norm of " + n);
        }
    }

    /** Sums past the float range (kept by the partials' scaling), infinities and NaN. */
    @Test
    void wholeReductionsOfExtremesAndNonFiniteValues() {
        float[] big = new float[1000];
        Arrays.fill(big, Float.MAX_VALUE);
        big[7] = -Float.MAX_VALUE;
        assertEquals(998.0 * Float.MAX_VALUE, backend.reduce(ReduceOp.SUM, backend.fromArray(big, Shape.vector(1000))),
                1e-9 * 998.0 * Float.MAX_VALUE, "a sum past the float range");
        double square = (double) Float.MAX_VALUE * Float.MAX_VALUE;
        assertEquals(996 * square, backend.dot(backend.fromArray(big, Shape.vector(1000)), backend.fromArray(
                        filled(1000, Float.MAX_VALUE, 8, -Float.MAX_VALUE, 9, Float.MAX_VALUE), Shape.vector(1000))),
                1e-9 * 996 * square, "a dot product past the float range");
        float[] tiny = filled(500, Float.MIN_VALUE, 3, -Float.MIN_VALUE, 4, Float.MIN_VALUE);
        assertEquals(498.0 * Float.MIN_VALUE, backend.reduce(ReduceOp.SUM, backend.fromArray(tiny, Shape.vector(500))));
        float[] inf = filled(200, 1f, 150, Float.POSITIVE_INFINITY, 151, 1f);
        assertEquals(Double.POSITIVE_INFINITY, backend.reduce(ReduceOp.SUM, backend.fromArray(inf, Shape.vector(200))));
        inf[20] = Float.NEGATIVE_INFINITY;
        assertTrue(Double.isNaN(backend.reduce(ReduceOp.SUM, backend.fromArray(inf, Shape.vector(200)))), "inf - inf");
        for (ReduceOp op : ReduceOp.values()) {
            float[] x = TestData.normal(1000, 9);
            x[999] = Float.NaN;
            assertTrue(Double.isNaN(backend.reduce(op, backend.fromArray(x, Shape.vector(1000)))), op + " with a NaN");
        }
        assertEquals(Float.MAX_VALUE, backend.reduce(ReduceOp.MAX, backend.fromArray(big, Shape.vector(1000))));
        assertEquals(-Float.MAX_VALUE, backend.reduce(ReduceOp.MIN, backend.fromArray(big, Shape.vector(1000))));
    }

    /** A whole reduction of 65537 elements brings back its 1025 partials (3 floats each), not the operand. */
    @Test
    void aWholeReductionBringsBackOnlyItsPartials() {
        Tensor t = backend.fromArray(TestData.normal(65537, 4), Shape.vector(65537));
        Counts before = counts();
        backend.reduce(ReduceOp.SUM, t);
        Counts run = counts().since(before);
        assertEquals(1, run.toHost());
        assertEquals(3L * 1025 * Float.BYTES, run.toHostBytes());
    }

    @Test
    void argmaxEqualsTheHostOnNaNTiesAndOddShapes() {
        for (Shape shape : List.of(Shape.vector(1), Shape.vector(1000), Shape.matrix(37, 19), Shape.of(2, 3, 5),
                Shape.matrix(5, 1))) {
            float[] x = TestData.of(TestData.Domain.SPECIAL, shape.size(), 11, 0);
            for (int i = 3; i < x.length; i += 4) {
                x[i] = x[i - 1];
            }
            assertArrayEquals(REFERENCE.argmax(REFERENCE.fromArray(x, shape)), backend.argmax(backend.fromArray(x, shape)),
                    "argmax of " + shape);
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), what);
        }
    }

    /** {@code n} copies of {@code value}, but {@code other} at {@code at} and {@code other2} at {@code at2}. */
    private static float[] filled(int n, float value, int at, float other, int at2, float other2) {
        float[] x = new float[n];
        Arrays.fill(x, value);
        x[at] = other;
        x[at2] = other2;
        return x;
    }

    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }
}
