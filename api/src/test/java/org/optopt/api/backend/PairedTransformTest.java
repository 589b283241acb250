package org.optopt.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.optopt.api.testkit.TestData.deepCopy;
import static org.optopt.api.testkit.TestData.transpose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedTransformTest {
    /** Rows {@code point^k} (k < cols) for the points 0, 1, -1, 2, -2, 1/2, -1/2, 3, -3 and the row of infinity, as Winograd's. */
    private static float[] vandermonde(int rows, int cols) {
        double[] points = {0, 1, -1, 2, -2, 0.5, -0.5, 3, -3};
        float[] m = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                m[i * cols + k] = i == rows - 1 ? (k == cols - 1 ? 1f : 0f) : (float) Math.pow(points[i], k);
            }
        }
        return m;
    }

    private static float[][] vectors(int count, int length, SplittableRandom r) {
        float[][] x = new float[count][length];
        for (float[] v : x) {
            for (int k = 0; k < length; k++) {
                v[k] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    /** Checks {@code y = base + M x} on {@code [from, to)} in double, y untouched elsewhere. */
    private static void check(float[] m, int rows, int cols, float[][] x, float[][] base, float[][] y, int from,
            int to) {
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < y[i].length; k++) {
                double expected = base[i][k];
                for (int j = 0; j < cols && k >= from && k < to; j++) {
                    expected += (double) m[i * cols + j] * x[j][k];
                }
                assertEquals(expected, y[i][k], 1e-5 * (1 + Math.abs(expected)), "output " + i + " element " + k);
            }
        }
    }

    @Test
    void winogradLikeMatricesShareTheirPointPairs() {
        // 8 points: three pairs +-1, +-2, +-1/2 among the rows of the evaluation matrix, the columns of its transpose
        assertEquals(3, PairedTransform.ofRows(vandermonde(8, 5), 8, 5).pairs());
        assertEquals(3, PairedTransform.ofColumns(transpose(vandermonde(8, 4), 8, 4), 4, 8).pairs());
        // a row of constants has no odd part: nothing to share
        assertEquals(0, PairedTransform.ofRows(new float[] {1, 0, 1, 1, 0, 1}, 2, 3).pairs());
        // -(-1)^k pattern: the pair with sign -1
        assertEquals(1, PairedTransform.ofRows(new float[] {1, 2, 3, -1, 2, -3}, 2, 3).pairs());
    }

    @Test
    void rowsAndColumnsComputeTheProduct() {
        SplittableRandom r = new SplittableRandom(5);
        int length = 37;
        for (int[] shape : new int[][] {{8, 5}, {8, 8}, {4, 8}, {7, 3}, {1, 9}, {3, 1}, {9, 2}}) {
            int rows = shape[0];
            int cols = shape[1];
            for (float[] m : new float[][] {vandermonde(rows, cols), transpose(vandermonde(cols, rows), cols, rows),
                    random(rows * cols, r)}) {
                float[][] x = vectors(cols, length, r);
                float[][] xCopy = deepCopy(x);
                float[][] y = vectors(rows, length, r);
                float[][] zero = new float[rows][length];
                PairedTransform.ofRows(m, rows, cols).apply(deepCopy(x), y, 0, length, false);
                check(m, rows, cols, xCopy, zero, y, 0, length);

                float[][] base = vectors(rows, length, r);
                y = deepCopy(base);
                PairedTransform.ofColumns(m, rows, cols).apply(deepCopy(x), y, 3, length - 2, true);
                check(m, rows, cols, xCopy, base, y, 3, length - 2);
                float[][] untouched = deepCopy(base);
                for (int i = 0; i < rows; i++) {
                    for (int k = 3; k < length - 2; k++) {
                        untouched[i][k] = 0f;
                    }
                }
                y = deepCopy(base);
                PairedTransform.ofColumns(m, rows, cols).apply(deepCopy(x), y, 3, length - 2, false);
                check(m, rows, cols, xCopy, untouched, y, 3, length - 2);
            }
        }
    }

    @Test
    void nullOutputsAreSkippedAndSharedRowsMustWriteAll() {
        float[] m = vandermonde(8, 5);
        float[][] x = vectors(5, 4, new SplittableRandom(1));
        float[][] y = new float[8][4];
        y[3] = null;
        assertThrows(IllegalStateException.class, () -> PairedTransform.ofRows(m, 8, 5).apply(x, y, 0, 4, false));
        assertThrows(IllegalStateException.class,
                () -> PairedTransform.ofRows(m, 8, 5).apply(x, new float[8][4], 0, 4, true));
        float[] mt = transpose(m, 8, 5);
        float[][] out = new float[5][4];
        out[2] = null;
        PairedTransform.ofColumns(mt, 5, 8).apply(vectors(8, 4, new SplittableRandom(2)), out, 0, 4, false);
        assertEquals(null, out[2]);
    }

    private static float[] random(int n, SplittableRandom r) {
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = r.nextInt(4) == 0 ? 0f : (float) r.nextGaussian();
        }
        return m;
    }
}
