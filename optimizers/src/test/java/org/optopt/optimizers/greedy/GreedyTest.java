package org.optopt.optimizers.greedy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;

/**
 * The greedy optimizer on a constant gradient g, where every statistic is known in closed form:
 * s_i = g_i^2, E|g|^2 = |g|^2 and R(k) = |g|^2 for every lag, so the designed momentum is the
 * maximizer of sqrt(1 - m^2)(1 + m + m^2 + m^3 + m^4), found here by brute force.
 */
class GreedyTest {
    private static final float[] G = {0.5f, -2f, 0.25f};
    private final ReferenceBackend backend = new ReferenceBackend();

    private static double bruteForceMomentum() {
        double best = 0;
        double bestScore = -1;
        for (int i = 0; i < 1_000_000; i++) {
            double m = i / 1e6;
            double score = Math.sqrt(1 - m * m) * (1 + m + m * m + m * m * m + m * m * m * m);
            if (score > bestScore) {
                bestScore = score;
                best = m;
            }
        }
        return best;
    }

    private static double norm() {
        double s = 0;
        for (float x : G) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void updateRmsDesignOnAConstantGradient() {
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.vector(3));
        Parameter p = params.get(0);
        float[] p0 = p.value().toArray();
        double c = 1e-3;
        int t = 10;
        try (GreedyOptimizer opt = new Greedy().create(backend, ParameterSet.of(params),
                Map.of("lr", c, "redesign_every", t))) {
            for (int k = 1; k <= t; k++) {
                p.gradient().copyFrom(G);
                opt.step();
                assertEquals(k == t, opt.trace().containsKey("decision.update-rms.momentum"), "decision at step " + k);
            }
            double m = bruteForceMomentum();
            Map<String, Double> trace = opt.trace();
            assertEquals(m, trace.get("decision.update-rms.momentum"), 2e-6);
            assertEquals(c, trace.get("decision.update-rms.lr"), 1e-15);
            assertEquals(0.0, trace.get("decision.update-rms.skipped"));
            // value = sum_i (c/|g_i|) g_i^2 = c sum_i |g_i|
            assertEquals(c * (0.5 + 2 + 0.25), trace.get("decision.update-rms.value"), 1e-9);
            // Warm-up steps 1..T-1: p -= c sqrt(3) g/|g|; step T: buf = (1 + m) g, p -= c sqrt(1-m^2)(1+m) sign(g).
            float[] pt = p.value().toArray();
            for (int i = 0; i < G.length; i++) {
                double expected = p0[i] - (t - 1) * c * Math.sqrt(3) * G[i] / norm()
                        - c * Math.sqrt(1 - m * m) * (1 + m) * Math.signum(G[i]);
                assertEquals(expected, pt[i], 2e-6, "coordinate " + i);
            }
        }
    }

    @Test
    void metricDesignIsNormalizedSgdAtTheRadius() {
        List<Parameter> params = TestProblems.parameters(backend, 2, Shape.vector(3));
        try (GreedyOptimizer opt = new Greedy().create(backend, ParameterSet.of(params),
                Map.of("lr", 0.01, "redesign_every", 4, "budget", "metric"))) {
            for (int k = 0; k < 4; k++) {
                params.get(0).gradient().copyFrom(G);
                opt.step();
            }
            assertEquals(0.01 * Math.sqrt(3) / norm(), opt.trace().get("decision.metric.lr"), 1e-7);
        }
    }

    @Test
    void nonFiniteStatisticsSkipTheDesignAndNeverReachTheParameters() {
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(3));
        Parameter p = params.get(0);
        try (GreedyOptimizer opt = new Greedy().create(backend, ParameterSet.of(params), Map.of("redesign_every", 2))) {
            for (int k = 0; k < 2; k++) {
                p.gradient().copyFrom(new float[] {1e30f, 1f, -1e30f}); // finite, but g*g overflows float32
                opt.step();
            }
            assertEquals(1.0, opt.trace().get("decision.update-rms.skipped"));
            for (float x : p.value().toArray()) {
                assertTrue(Float.isFinite(x), "parameter became " + x);
            }
        }
    }

    @Test
    void badInputIsRefusedInOneLine() {
        List<Parameter> params = TestProblems.parameters(backend, 4, Shape.vector(3));
        for (Map<String, ?> config : List.of(Map.of("redesign_every", 0), Map.of("redesign_every", -3),
                Map.of("budget", "spectral"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Greedy().create(backend, ParameterSet.of(params), config));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(config.keySet().iterator().next()), e.getMessage());
        }
    }

    /**
     * {@code step_size = curvature} on the isotropic quadratic f = h |x|^2 / 2 with full-batch
     * gradients g = h x: the design at step T takes lr = eta* = R(1) / (h R(0)), with R(1) and R(0)
     * the EMAs (0.99) of g_t . g_(t-1) and |g_t|^2 over the consecutive pairs, computed here in double.
     */
    @Test
    void curvatureStepSizeIsEtaStarOfTheMeasuredStatistics() {
        double h = 2.5;
        int t = 6;
        List<Parameter> params = TestProblems.parameters(backend, 4, Shape.vector(5));
        Parameter p = params.get(0);
        try (GreedyOptimizer opt = new Greedy().create(backend, ParameterSet.of(params),
                Map.of("lr", 0.05, "redesign_every", t, "budget", "metric", "step_size", "curvature"))) {
            double r0 = 0;
            double r1 = 0;
            float[] previous = null;
            for (int k = 1; k <= t; k++) {
                float[] x = p.value().toArray();
                float[] g = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    g[i] = (float) (h * x[i]);
                }
                p.gradient().copyFrom(g);
                if (previous != null) {
                    double dot = 0;
                    double sq = 0;
                    for (int i = 0; i < g.length; i++) {
                        dot += (double) g[i] * previous[i];
                        sq += (double) g[i] * g[i];
                    }
                    r1 = 0.99 * r1 + 0.01 * dot;
                    r0 = 0.99 * r0 + 0.01 * sq;
                }
                previous = g;
                opt.step();
            }
            assertEquals(r1 / (h * r0), opt.trace().get("decision.metric.lr"), 1e-4 * r1 / (h * r0));
            assertEquals(0.0, opt.trace().get("decision.metric.skipped"));
        }
    }

    @Test
    void curvatureStepSizeNeedsTheMetricBudget() {
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.vector(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Greedy().create(backend,
                ParameterSet.of(params), Map.of("step_size", "curvature")));
        assertTrue(e.getMessage().contains("step_size = curvature needs budget = metric"), e.getMessage());
    }
}
