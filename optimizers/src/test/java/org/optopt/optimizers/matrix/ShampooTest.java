package org.optopt.optimizers.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;

/**
 * Shampoo's first step from tiny damping is the polar factor of the gradient: with
 * G = U S V^T, (G G^T)^(-1/4) G (G^T G)^(-1/4) = U V^T. So Q = p0 - p1 (lr 1) has orthonormal rows
 * (Q Q^T = I) and Q^T G... is symmetric positive semi-definite: G = (G Q^T) Q with G Q^T = U S U^T.
 */
class ShampooTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"4, 4", "3, 5", "1, 6"})
    void firstStepIsThePolarFactorOfTheGradient(int rows, int cols) {
        List<Parameter> params = TestProblems.parameters(backend, 12, Shape.matrix(rows, cols));
        float[] p0 = params.get(0).value().toArray();
        float[] g = params.get(0).gradient().toArray();
        try (MatrixOptimizer opt = new Shampoo().create(backend, ParameterSet.of(params), Map.of("lr", 1.0, "eps", 1e-9))) {
            opt.step();
        }
        float[] p1 = params.get(0).value().toArray();
        double[][] q = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                q[i][j] = p0[i * cols + j] - p1[i * cols + j];
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rows; k++) {
                double qqt = 0;
                double gqt = 0;
                double gqtTransposed = 0;
                for (int j = 0; j < cols; j++) {
                    qqt += q[i][j] * q[k][j];
                    gqt += g[i * cols + j] * q[k][j];
                    gqtTransposed += g[k * cols + j] * q[i][j];
                }
                assertEquals(i == k ? 1 : 0, qqt, 2e-3, "Q Q^T = I at " + i + "," + k);
                assertEquals(gqtTransposed, gqt, 2e-3, "G Q^T symmetric at " + i + "," + k);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void rootsAreRecomputedEveryKSteps() {
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.matrix(3, 2));
        try (MatrixOptimizer opt = new Shampoo().create(backend, ParameterSet.of(params), Map.of("update_every", 3))) {
            opt.step();
            float[] afterFirst = opt.buffer("W", "L_root").toArray();
            opt.step();
            opt.step();
            assertArrayEquals(afterFirst, opt.buffer("W", "L_root").toArray(), "roots changed between recomputations");
            opt.step();
            assertFalse(java.util.Arrays.equals(afterFirst, opt.buffer("W", "L_root").toArray()), "roots not recomputed at step 4");
        }
    }

    @org.junit.jupiter.api.Test
    void sgdGraftingTakesTheNormOfTheGradientStep() {
        List<Parameter> params = TestProblems.parameters(backend, 4, Shape.matrix(3, 4), Shape.vector(5));
        float[] p0 = params.get(0).value().toArray();
        float[] g = params.get(0).gradient().toArray();
        try (MatrixOptimizer opt = new Shampoo().create(backend, ParameterSet.of(params), Map.of("lr", 0.1, "grafting", "sgd"))) {
            opt.step();
        }
        float[] p1 = params.get(0).value().toArray();
        double step = 0;
        double grad = 0;
        for (int i = 0; i < g.length; i++) {
            step += (p0[i] - p1[i]) * (double) (p0[i] - p1[i]);
            grad += g[i] * (double) g[i];
        }
        assertEquals(0.1 * Math.sqrt(grad), Math.sqrt(step), 1e-5);
    }

    /**
     * The nd4j backend (OpenBLAS gemm) follows the reference backend: parameters and every state
     * buffer within 1e-5 of its largest element after 8 steps. Not bit for bit: gemm sums in another order and
     * precision, and the inverse roots amplify that on small eigenvalues, so the damping is large
     * enough here (eps 0.1) to keep the roots well conditioned.
     */
    @ParameterizedTest(name = "grafting {0}")
    @CsvSource({"none", "sgd", "adagrad"})
    void nd4jFollowsTheReferenceBackend(String grafting) {
        org.optopt.api.backend.Backend nd4j = org.optopt.api.backend.Backends.discover().provider("nd4j").create(Map.of());
        List<Parameter> a = TestProblems.parameters(backend, 21, Shape.matrix(5, 7), Shape.vector(13));
        List<Parameter> b = TestProblems.parameters(nd4j, 21, Shape.matrix(5, 7), Shape.vector(13));
        Map<String, Object> config = Map.of("lr", 0.05, "grafting", grafting, "momentum", 0.5, "update_every", 2,
                "eps", 0.1);
        try (MatrixOptimizer x = new Shampoo().create(backend, ParameterSet.of(a), config);
             MatrixOptimizer y = new Shampoo().create(nd4j, ParameterSet.of(b), config)) {
            for (int t = 0; t < 8; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(b, t);
                x.step();
                y.step();
            }
            for (int i = 0; i < a.size(); i++) {
                assertClose(a.get(i).value().toArray(), b.get(i).value().toArray(), "p " + a.get(i).name());
            }
            for (var t : x.state().tensors()) {
                assertClose(t.data(), y.state().tensor(t.parameter(), t.buffer()).data(), t.toString());
            }
        }
    }

    /** Every element within 1e-5 of the tensor's largest magnitude. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, what + "[" + i + "]");
        }
    }
}
