package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.TestData;
import org.optopt.backend.tornado.DeviceTransfers.Counts;

/**
 * Matrix products on the device ({@code primitives=device}): single and batched, odd
 * shapes, all four transpose combinations, several {@code alpha, beta}, checked element by element
 * against a double-precision product within the rounding-error bound of a float sum of {@code k}
 * products and three more operations, {@code gamma(k + 3) (|alpha| sum |a||b| + |beta c|)} with
 * {@code gamma(j) = j u / (1 - j u)}, {@code u = 2^-24}; that the device ran them (compilations,
 * results left on the device); and that {@code primitives=host} gives the same floats (the device
 * task sums in the host loop's order). Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoProductsTest extends DeviceUnderTest {
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-1.5f, 0.25f}, {0.5f, -2f}};

    private static long compilations() {
        return ((DeviceCompilations) backend).compilations();
    }

    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }

    @Test
    void productsOfOddShapesWithEitherTransposeAreWithinTheRoundingBound() {
        int[][] mnk = {{13, 7, 29}, {1, 17, 3}, {31, 1, 64}, {6, 9, 1}};
        int seed = 0;
        try (Backend onHost = create(TornadoBackendProvider.ON_HOST)) {
            for (int[] d : mnk) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        check(onHost, 1, d[0], d[1], d[2], ta, tb, ++seed);
                    }
                }
            }
        }
    }

    /** {@code x^T x} and {@code x x^T}: both operands one tensor, so one device array serves both. */
    @Test
    void aTensorTimesItsOwnTransposeIsWithinTheRoundingBound() {
        int rows = 23;
        int cols = 9;
        float[] x = TestData.normal(rows * cols, 50);
        try (Tensor t = backend.fromArray(x, Shape.matrix(rows, cols));
                Tensor gram = backend.zeros(Shape.matrix(cols, cols));
                Tensor outer = backend.zeros(Shape.matrix(rows, rows))) {
            backend.gemmInPlace(1f, t, true, t, false, 0f, gram);
            backend.gemmInPlace(1f, t, false, t, true, 0f, outer);
            assertWithinBound(x, true, x, false, 1, cols, cols, rows, 1f, 0f, new float[cols * cols], gram.toArray(), "x^T x");
            assertWithinBound(x, false, x, true, 1, rows, rows, cols, 1f, 0f, new float[rows * rows], outer.toArray(), "x x^T");
        }
    }

    @Test
    void batchedProductsMultiplyEveryMatrixOnTheDevice() {
        try (Backend onHost = create(TornadoBackendProvider.ON_HOST)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    check(onHost, 3, 5, 11, 7, ta, tb, ta ? 40 : tb ? 41 : 42);
                }
            }
        }
    }

    /**
     * The product of a known shape runs on new tensors without a compilation, its result stays on
     * the device until read (one copy back), and {@code beta = 0} never reads the NaN in {@code C}.
     * (The first result is read before the second product: a result the device alone holds comes
     * back to the host when a new tensor takes its place in the task's slots.)
     */
    @Test
    void aKnownShapeReusesItsTaskAndTheResultStaysOnTheDevice() {
        int m = 9;
        int n = 5;
        int k = 12;
        float[] a = TestData.normal(m * k, 7);
        float[] b = TestData.normal(k * n, 8);
        Tensor ta = backend.fromArray(a, Shape.matrix(m, k));
        Tensor tb = backend.fromArray(b, Shape.matrix(k, n));
        float[] nan = new float[m * n];
        Arrays.fill(nan, Float.NaN);
        Tensor c1 = backend.fromArray(nan, Shape.matrix(m, n));
        long compiled = compilations();
        backend.gemmInPlace(1f, ta, false, tb, false, 0f, c1);
        assertTrue(compilations() > compiled, "the first product compiles a device task");
        float[] first = c1.toArray();
        Tensor c2 = backend.fromArray(nan, Shape.matrix(m, n));
        compiled = compilations();
        Counts before = counts();
        backend.gemmInPlace(1f, ta, false, tb, false, 0f, c2);
        Counts run = counts().since(before);
        assertEquals(compiled, compilations(), "a new C of a known shape: no compilation");
        assertEquals(2, run.toDevice(), "A and B copied in, not C");
        assertEquals(0, run.toHost(), "the result stays on the device");
        float[] got = c2.toArray();
        assertEquals(1, counts().since(before).toHost(), "reading the result copies it back once");
        assertWithinBound(a, false, b, false, 1, m, n, k, 1f, 0f, nan, got, "beta=0 over NaN");
        assertArrayEquals(first, got);
    }

    /** Checks every {@code alpha, beta} of {@link #ALPHA_BETA} for one product shape, against the bound and against host products. */
    private static void check(Backend onHost, int count, int m, int n, int k, boolean ta, boolean tb, int seed) {
        float[] a = TestData.normal(count * m * k, seed);
        float[] b = TestData.normal(count * k * n, seed + 1000);
        float[] c0 = TestData.normal(count * m * n, seed + 2000);
        String what = "count=" + count + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb;
        for (float[] ab : ALPHA_BETA) {
            float[] got = product(backend, count, m, n, k, ta, tb, a, b, c0, ab);
            assertWithinBound(a, ta, b, tb, count, m, n, k, ab[0], ab[1], c0, got, what + " alpha=" + ab[0] + " beta=" + ab[1]);
            assertArrayEquals(product(onHost, count, m, n, k, ta, tb, a, b, c0, ab), got, what + ": device and host floats");
        }
    }

    private static float[] product(Backend on, int count, int m, int n, int k, boolean ta, boolean tb, float[] a,
            float[] b, float[] c0, float[] alphaBeta) {
        try (Tensor x = on.fromArray(a, shape(count, ta ? k : m, ta ? m : k));
                Tensor y = on.fromArray(b, shape(count, tb ? n : k, tb ? k : n));
                Tensor c = on.fromArray(c0, shape(count, m, n))) {
            if (count == 1) {
                on.gemmInPlace(alphaBeta[0], x, ta, y, tb, alphaBeta[1], c);
            } else {
                on.gemmBatchedInPlace(alphaBeta[0], x, ta, y, tb, alphaBeta[1], c);
            }
            return c.toArray();
        }
    }

    private static Shape shape(int count, int rows, int cols) {
        return count == 1 ? Shape.matrix(rows, cols) : Shape.of(count, rows, cols);
    }

    private static void assertWithinBound(float[] a, boolean ta, float[] b, boolean tb, int count, int m, int n, int k,
            float alpha, float beta, float[] c0, float[] got, String what) {
        double u = Math.ulp(1.0f) / 2;
        double gamma = (k + 3) * u / (1 - (k + 3) * u);
        for (int q = 0; q < count; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        double x = ta ? a[q * m * k + p * m + i] : a[q * m * k + i * k + p];
                        double y = tb ? b[q * k * n + j * k + p] : b[q * k * n + p * n + j];
                        sum += x * y;
                        magnitude += Math.abs(x * y);
                    }
                    int at = q * m * n + i * n + j;
                    double old = beta == 0 ? 0 : (double) beta * c0[at];
                    double bound = gamma * (Math.abs(alpha) * magnitude + Math.abs(old)) + Double.MIN_NORMAL;
                    assertEquals(alpha * sum + old, got[at], bound, what + " at " + at);
                }
            }
        }
    }
}
