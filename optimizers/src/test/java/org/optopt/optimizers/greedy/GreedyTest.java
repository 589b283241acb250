package org.optopt.optimizers.greedy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.probe.CurvatureProbe;

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
     * {@code step_size = curvature} on the noisy quadratic f = h |x|^2 / 2 in d = 100 dimensions,
     * g = h x + xi with xi ~ N(0, sigma^2 I) drawn here: the curvature of every design is h within
     * 10%, while the one-step secant of a {@link CurvatureProbe} on the same trajectory is biased by
     * the noise (at some design above 1.25 h); eta* at every design is, within 12%, the quadratic
     * model's optimal step for the statistics of the designs' window, |gbar|^2 / (h (|gbar|^2 +
     * d sigma^2)) with |gbar|^2 = h^2 |x|^2 averaged with the rule's EMA (0.99, from step 3) and
     * d sigma^2 the known tr(C); the installed lr is eta* (from the second design on clipped to a
     * factor 2 of the effective step in effect) divided by the momentum factor sqrt((1 + m)/(1 - m)), and the effective step
     * stays below the stability limit 2/h.
     */
    @Test
    void curvatureRuleFindsTheOptimalStepOnANoisyQuadratic() {
        double h = 2;
        double sigma = 0.1;
        int d = 100;
        List<Parameter> params = List.of(new Parameter("x", backend.full(Shape.vector(d), 1f), backend.zeros(Shape.vector(d))));
        ParameterSet set = ParameterSet.of(params);
        Random random = new Random(3);
        CurvatureProbe oneStep = new CurvatureProbe(backend, set, 0.99);
        double meanSignal = 0;
        int n = 0;
        double largestOneStepBias = 0;
        double effective = Double.NaN;
        int designs = 0;
        try (GreedyOptimizer opt = new Greedy().create(backend, set,
                Map.of("lr", 0.01, "redesign_every", 50, "budget", "metric", "step_size", "curvature"))) {
            for (int k = 1; k <= 600; k++) {
                float[] x = params.get(0).value().toArray();
                float[] g = new float[d];
                double signal = 0;
                for (int i = 0; i < d; i++) {
                    g[i] = (float) (h * x[i] + sigma * random.nextGaussian());
                    signal += h * x[i] * h * x[i];
                }
                params.get(0).gradient().copyFrom(g);
                if (k >= 3) {
                    meanSignal = 0.99 * meanSignal + 0.01 * signal;
                    n++;
                }
                oneStep.observe(set);
                opt.step();
                Map<String, Double> t = opt.trace();
                if (!t.containsKey("decision.metric.lr")) {
                    continue; // the warm-up's effective step (normalized SGD, m = 0) is not recorded
                }
                designs++;
                double s = meanSignal / (1 - Math.pow(0.99, n));
                double optimal = s / (h * (s + d * sigma * sigma));
                double eta = t.get("decision.metric.eta_star");
                double m = t.get("decision.metric.momentum");
                double lr = t.get("decision.metric.lr");
                assertEquals(0.0, t.get("decision.metric.fallback"), "step " + k);
                assertEquals(h, t.get("decision.metric.curvature"), 0.1 * h, "curvature at step " + k);
                assertEquals(optimal, eta, 0.12 * optimal, "eta* at step " + k);
                double clipped = t.get("decision.metric.clipped");
                assertTrue(designs > 1 || clipped == 0, "the first design is clipped against the warm-up");
                double step = clipped == 0 ? eta : Math.pow(2, clipped) * effective;
                if (!Double.isNaN(step)) {
                    assertEquals(step * Math.sqrt((1 - m) / (1 + m)), lr, 1e-9 * lr, "lr at step " + k);
                }
                effective = lr * Math.sqrt((1 + m) / (1 - m));
                assertTrue(effective < 2 / h, "effective step " + effective + " at step " + k);
                largestOneStepBias = Math.max(largestOneStepBias, oneStep.curvature() / h);
            }
        }
        assertEquals(12, designs);
        assertTrue(largestOneStepBias > 1.25, "one-step secant / h at most " + largestOneStepBias);
    }

    /**
     * {@code step_size = curvature} on Rosenbrock's function (1 - x)^2 + 100 (y - x^2)^2 from
     * (-1.2, 1), full-batch: ill-conditioned (Hessian eigenvalues from about 0.4 to 1000 at the
     * minimum) and curved. The run must not diverge (the eta* of plain SGD with momentum 0.77 on
     * top did, at step 206): the loss stays below 30 (it starts at 24.2), every design takes eta*,
     * and after 2000 steps the loss is below 0.01 (0.0023 when written).
     */
    @Test
    void curvatureRuleDoesNotDivergeOnRosenbrock() {
        List<Parameter> params = List.of(new Parameter("xy", backend.fromArray(new float[] {-1.2f, 1f}, Shape.vector(2)),
                backend.zeros(Shape.vector(2))));
        double loss = Double.NaN;
        int fallbacks = 0;
        try (GreedyOptimizer opt = new Greedy().create(backend, ParameterSet.of(params),
                Map.of("lr", 0.01, "redesign_every", 50, "budget", "metric", "step_size", "curvature"))) {
            for (int k = 1; k <= 2000; k++) {
                float[] p = params.get(0).value().toArray();
                double x = p[0];
                double y = p[1];
                loss = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
                params.get(0).gradient().copyFrom(new float[] {
                    (float) (-2 * (1 - x) - 400 * x * (y - x * x)), (float) (200 * (y - x * x))});
                opt.step();
                assertTrue(Double.isFinite(loss) && loss < 30, "loss " + loss + " at step " + k);
                Double fallback = opt.trace().get("decision.metric.fallback");
                fallbacks += fallback != null && fallback != 0 ? 1 : 0;
            }
        }
        assertEquals(0, fallbacks);
        assertTrue(loss < 0.01, "final loss " + loss);
    }

    /**
     * The curvature rule's step comes from the curvature, not from the radius it starts from:
     * greedy from lr = 1e-3 and from lr = 1e-2 (warm-up steps a factor 10 apart) installs, at each
     * of its first 8 designs, lrs within a factor 1.25 of each other on the noisy quadratic
     * (d = 100, h = 2, sigma = 0.1; 1.16 when written) and within a factor 2 on Rosenbrock's
     * function (1.86 when written: the larger warm-up ends further along the valley, where the
     * curvature along the moves is lower). Clipped to twice the warm-up's step, the first design's
     * lrs were a factor 10 apart on both.
     */
    @Test
    void curvatureRuleDoesNotDependOnTheStartingRadius() {
        for (boolean rosenbrock : new boolean[] {false, true}) {
            double factor = rosenbrock ? 2 : 1.25;
            double[] small = designedRates(rosenbrock, 1e-3);
            double[] large = designedRates(rosenbrock, 1e-2);
            for (int k = 0; k < small.length; k++) {
                double ratio = large[k] / small[k];
                assertTrue(ratio < factor && ratio > 1 / factor, (rosenbrock ? "rosenbrock" : "quadratic")
                        + " design " + k + ": lr " + small[k] + " from radius 1e-3, " + large[k] + " from 1e-2");
            }
        }
    }

    /** The lrs greedy's curvature rule installs at its first 8 designs (T = 50) from radius {@code c}. */
    private double[] designedRates(boolean rosenbrock, double c) {
        int d = rosenbrock ? 2 : 100;
        Random random = new Random(5);
        float[] start = rosenbrock ? new float[] {-1.2f, 1f} : new float[d];
        if (!rosenbrock) {
            Arrays.fill(start, 1f);
        }
        List<Parameter> params = List.of(new Parameter("x", backend.fromArray(start, Shape.vector(d)), backend.zeros(Shape.vector(d))));
        double[] rates = new double[8];
        try (GreedyOptimizer opt = new Greedy().create(backend, ParameterSet.of(params),
                Map.of("lr", c, "redesign_every", 50, "budget", "metric", "step_size", "curvature"))) {
            for (int k = 1; k <= 50 * rates.length; k++) {
                float[] x = params.get(0).value().toArray();
                float[] g = new float[d];
                if (rosenbrock) {
                    g[0] = (float) (-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] * x[0]));
                    g[1] = (float) (200 * (x[1] - x[0] * x[0]));
                } else {
                    for (int i = 0; i < d; i++) {
                        g[i] = (float) (2 * x[i] + 0.1 * random.nextGaussian());
                    }
                }
                params.get(0).gradient().copyFrom(g);
                opt.step();
                if (k % 50 == 0) {
                    assertEquals(0.0, opt.trace().get("decision.metric.fallback"), "step " + k);
                    rates[k / 50 - 1] = opt.trace().get("decision.metric.lr");
                }
            }
        }
        return rates;
    }

    @Test
    void curvatureStepSizeNeedsTheMetricBudget() {
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.vector(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Greedy().create(backend,
                ParameterSet.of(params), Map.of("step_size", "curvature")));
        assertTrue(e.getMessage().contains("step_size = curvature needs budget = metric"), e.getMessage());
    }
}
