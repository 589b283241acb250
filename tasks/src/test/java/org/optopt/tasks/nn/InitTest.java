package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;

class InitTest {
    private final Backend be = new ReferenceBackend();
    private final Shape shape = Shape.matrix(200, 100);

    private static double[] moments(float[] a) {
        double mean = 0;
        for (float v : a) {
            mean += v / (double) a.length;
        }
        double var = 0;
        for (float v : a) {
            var += (v - mean) * (v - mean) / a.length;
        }
        return new double[] {mean, var};
    }

    @Test
    void pytorchDefaultIsUniformWithinOneOverSqrtFanIn() {
        float[] w = Init.PYTORCH_DEFAULT.weight(be, shape, 100, 200, 1).toArray();
        double bound = 1 / Math.sqrt(100);
        for (float v : w) {
            assertTrue(Math.abs(v) <= bound);
        }
        assertEquals(bound * bound / 3, moments(w)[1], 0.03 * bound * bound / 3, "variance of U(-b, b) is b^2/3");
        assertArrayEquals(w, Init.PYTORCH_DEFAULT.weight(be, shape, 100, 200, 1).toArray(), "seeded");
    }

    @Test
    void glorotUniformHasVarianceTwoOverFanSum() {
        float[] w = Init.GLOROT_UNIFORM.weight(be, shape, 100, 200, 2).toArray();
        assertEquals(2.0 / 300, moments(w)[1], 0.03 * 2.0 / 300);
        assertArrayEquals(new float[5], Init.GLOROT_UNIFORM.bias(be, Shape.vector(5), 100, 3).toArray());
    }

    @Test
    void deepObsTruncatedNormalStaysWithinTwoStandardDeviations() {
        float[] w = Init.DEEPOBS_TRUNCATED_NORMAL.weight(be, shape, 100, 200, 4).toArray();
        for (float v : w) {
            assertTrue(Math.abs(v) <= 0.1f, "sample " + v);
        }
        // variance of N(0, s^2) truncated at +-2s is 0.7737 s^2
        assertEquals(0.7737 * 0.0025, moments(w)[1], 0.03 * 0.7737 * 0.0025);
        assertEquals(0.05f, Init.DEEPOBS_TRUNCATED_NORMAL.bias(be, Shape.vector(3), 10, 5).toArray()[2]);
        assertThrows(IllegalArgumentException.class, () -> Init.GLOROT_UNIFORM.weight(be, shape, 0, 1, 1));
    }
}
