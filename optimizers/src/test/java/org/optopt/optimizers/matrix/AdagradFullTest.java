package org.optopt.optimizers.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;

/** Full-matrix AdaGrad against updates worked out by hand. */
class AdagradFullTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    /** Steps once with gradient {@code g} and returns p_before - p_after. */
    private static double[] step(AdagradFullOptimizer opt, Parameter p, float... g) {
        float[] before = p.value().toArray();
        p.gradient().copyFrom(g);
        opt.step();
        float[] after = p.value().toArray();
        double[] u = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            u[i] = (double) before[i] - after[i];
        }
        return u;
    }

    @Test
    void axisAlignedGradientsGiveDiagonalAdagrad() {
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.vector(2));
        Parameter p = params.get(0);
        try (AdagradFullOptimizer opt = new AdagradFull().create(backend, ParameterSet.of(params), Map.of("lr", 0.5))) {
            // Diagonal AdaGrad: u_i = lr g_i / sqrt(sum of g_i^2 so far); an unvisited coordinate gets 0.
            assertArrayEquals(new double[] {0.5, 0}, step(opt, p, 3, 0), 1e-6);
            assertArrayEquals(new double[] {0, 0.5}, step(opt, p, 0, 4), 1e-6);
            assertArrayEquals(new double[] {0.5 / Math.sqrt(10), 0}, step(opt, p, 1, 0), 1e-6);
            assertArrayEquals(new double[] {0, 0.5 * 2 / Math.sqrt(20)}, step(opt, p, 0, 2), 1e-6);
        }
    }

    @Test
    void correlatedGradientsUseTheMatrixRoot() {
        List<Parameter> params = TestProblems.parameters(backend, 2, Shape.vector(2));
        Parameter p = params.get(0);
        try (AdagradFullOptimizer opt = new AdagradFull().create(backend, ParameterSet.of(params), Map.of("lr", 1.0))) {
            // Sigma = [[1,1],[1,1]] = 2 v v^T, v = (1,1)/sqrt2: pinv root = v v^T / sqrt2, so u = (1,1)/sqrt2.
            assertArrayEquals(new double[] {1 / Math.sqrt(2), 1 / Math.sqrt(2)}, step(opt, p, 1, 1), 1e-6);
            // Sigma = 2 I: root = I / sqrt2.
            assertArrayEquals(new double[] {1 / Math.sqrt(2), -1 / Math.sqrt(2)}, step(opt, p, 1, -1), 1e-6);
            // Sigma = [[6,4],[4,6]]: eigenvalues 10 along (1,1), 2 along (1,-1); g = (2,2) -> u = (2,2)/sqrt10.
            assertArrayEquals(new double[] {2 / Math.sqrt(10), 2 / Math.sqrt(10)}, step(opt, p, 2, 2), 1e-6);
        }
    }

    @Test
    void aLoadedStateContinuesIdentically() {
        List<Parameter> a = TestProblems.parameters(backend, 3, Shape.matrix(2, 3));
        List<Parameter> b = TestProblems.parameters(backend, 3, Shape.matrix(2, 3));
        try (AdagradFullOptimizer first = new AdagradFull().create(backend, ParameterSet.of(a), Map.of("update_every", 2));
             AdagradFullOptimizer second = new AdagradFull().create(backend, ParameterSet.of(b), Map.of("update_every", 2))) {
            step(first, a.get(0), 1, 2, 3, 4, 5, 6);
            step(first, a.get(0), 0.1f, -2, 3, 0.4f, 5, 1);
            StateDict state = first.state();
            second.loadState(state);
            b.get(0).value().copyFrom(a.get(0).value().toArray());
            for (int k = 0; k < 3; k++) {
                float[] g = {k, 1, -k, 2, 0.5f, 3};
                assertArrayEquals(step(first, a.get(0), g), step(second, b.get(0), g), 0);
            }
        }
    }

    @Test
    void refusesATensorAboveTheLimitInOneLine() {
        List<Parameter> params = TestProblems.parameters(backend, 4, Shape.vector(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdagradFull().create(backend, ParameterSet.of(params), Map.of("max_elements", 4)));
        assertTrue(e.getMessage().contains("has 5 elements, above max_elements = 4"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }
}
