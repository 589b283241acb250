package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.Probe;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.adaptive.Adam;
import org.optopt.optimizers.hyper.RegistryCatalog;
import org.optopt.optimizers.spec.Towers;

/** Probe statistics against EMAs computed here in plain double loops, and probes leave optimizers' numbers unchanged. */
class ProbesTest {
    private final ReferenceBackend backend = new ReferenceBackend();
    private static final double BETA = 0.9;

    /** Gradients of step t: a matrix 2x3 and a vector of 4, fixed by the seed. */
    private static float[][] gradients(int t) {
        Random r = new Random(100 + t);
        float[][] g = {new float[6], new float[4]};
        for (float[] a : g) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() + 0.5);
            }
        }
        return g;
    }

    private List<Parameter> parameters() {
        return List.of(new Parameter("w", backend.zeros(Shape.matrix(2, 3)), backend.zeros(Shape.matrix(2, 3))),
                new Parameter("b", backend.zeros(Shape.vector(4)), backend.zeros(Shape.vector(4))));
    }

    private void load(List<Parameter> params, float[][] g) {
        for (int p = 0; p < g.length; p++) {
            Tensor t = backend.fromArray(g[p], params.get(p).gradient().shape());
            backend.copyInPlace(t, params.get(p).gradient());
            t.close();
        }
    }

    /** The dot product of two sets of gradients, in double. */
    static double dot(float[][] a, float[][] b) {
        double s = 0;
        for (int p = 0; p < a.length; p++) {
            for (int i = 0; i < a[p].length; i++) {
                s += (double) a[p][i] * b[p][i];
            }
        }
        return s;
    }

    @Test
    void secondMomentAndAutocorrelationMatchPlainEmas() {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        int steps = 7;
        try (SecondMomentProbe sm = new SecondMomentProbe(backend, set, BETA);
             AutocorrelationProbe ac = new AutocorrelationProbe(backend, set, 2, BETA)) {
            double sq = 0;
            double[] v = new double[4];
            double[] r = new double[3];
            for (int t = 1; t <= steps; t++) {
                float[][] g = gradients(t);
                load(params, g);
                sm.observe(set);
                ac.observe(set);
                sq = BETA * sq + (1 - BETA) * dot(g, g);
                for (int i = 0; i < 4; i++) {
                    v[i] = BETA * v[i] + (1 - BETA) * g[1][i] * g[1][i];
                }
                for (int k = 0; k <= 2 && k < t; k++) {
                    r[k] = BETA * r[k] + (1 - BETA) * dot(g, gradients(t - k));
                }
            }
            double c = 1 / (1 - Math.pow(BETA, steps));
            assertEquals(sq * c, sm.statistics().get("sq_norm"), 1e-5 * sq * c);
            double[] s = sm.secondMoment("b");
            for (int i = 0; i < 4; i++) {
                assertEquals(v[i] * c, s[i], 1e-5 * v[i] * c);
            }
            double[] rk = ac.autocorrelations();
            for (int k = 0; k <= 2; k++) {
                double expected = r[k] / (1 - Math.pow(BETA, steps - k));
                assertEquals(expected, rk[k], 1e-5 * Math.abs(expected), "R" + k);
                assertEquals(rk[k], ac.statistics().get("R" + k));
            }
            assertEquals(rk[1] / rk[0], ac.statistics().get("rho"), 1e-12);
            assertEquals((rk[0] - rk[1]) / rk[1], ac.statistics().get("noise_scale"), 1e-12);
        }
    }

    @Test
    void kroneckerFactorsMatchPlainEmas() {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        try (KroneckerProbe kp = new KroneckerProbe(backend, set, BETA, 16)) {
            assertEquals(List.of("w"), kp.factored());
            double[][] l = new double[2][2];
            double[][] rr = new double[3][3];
            for (int t = 1; t <= 5; t++) {
                float[][] g = gradients(t);
                load(params, g);
                kp.observe(set);
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        double s = 0;
                        for (int k = 0; k < 3; k++) {
                            s += g[0][i * 3 + k] * g[0][j * 3 + k];
                        }
                        l[i][j] = BETA * l[i][j] + (1 - BETA) * s;
                    }
                }
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double s = 0;
                        for (int k = 0; k < 2; k++) {
                            s += g[0][k * 3 + i] * g[0][k * 3 + j];
                        }
                        rr[i][j] = BETA * rr[i][j] + (1 - BETA) * s;
                    }
                }
            }
            double c = 1 / (1 - Math.pow(BETA, 5));
            double[][] left = kp.left("w");
            double[][] right = kp.right("w");
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    assertEquals(l[i][j] * c, left[i][j], 1e-5);
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(rr[i][j] * c, right[i][j], 1e-5);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> kp.left("b"));
        }
    }

    @Test
    void probesChangeNoOptimizerNumbersAndReachTheTrace() {
        for (String stack : new String[] {"adam", "adam/sgd(1e-5)"}) {
            List<Parameter> a = TestProblems.parameters(backend, 3, Shape.matrix(4, 5), Shape.vector(5));
            List<Parameter> b = TestProblems.parameters(backend, 3, Shape.matrix(4, 5), Shape.vector(5));
            try (Optimizer plain = create(stack, a);
                 ProbedOptimizer probed = new ProbedOptimizer(create(stack, b),
                         Probes.create(Probes.NAMES, backend, ParameterSet.of(b)), 3)) {
                for (int t = 0; t < 7; t++) {
                    TestProblems.parabola(a, t);
                    TestProblems.parabola(b, t);
                    plain.step();
                    probed.step();
                    Map<String, Double> trace = probed.trace();
                    boolean logged = t % 3 == 0;
                    assertEquals(logged, trace.containsKey("probe.second-moment.sq_norm"), stack + " step " + (t + 1));
                    assertEquals(logged, trace.containsKey("probe.kronecker.W.L_trace"), trace.toString());
                    assertTrue(trace.keySet().containsAll(plain.trace().keySet()));
                }
                for (int p = 0; p < a.size(); p++) {
                    assertArrayEquals(a.get(p).value().toArray(), b.get(p).value().toArray(), stack);
                }
                assertEquals(plain.stepCount(), probed.stepCount());
            }
        }
    }

    /**
     * A probed tower saved after 5 steps (through the state file format), restored into fresh
     * parameters, a fresh tower and fresh probes, continues with the traces (probe statistics
     * included, sampled in bursts) and values of the uninterrupted run, bit for bit.
     */
    @Test
    void aRestoredStateContinuesWithBitIdenticalProbeStatistics() throws java.io.IOException {
        String stack = "adam/sgd(1e-5)";
        List<Parameter> a = TestProblems.parameters(backend, 3, Shape.matrix(4, 5), Shape.vector(5));
        List<Map<String, Double>> expected = new java.util.ArrayList<>();
        try (ProbedOptimizer straight = probed(stack, a)) {
            for (int t = 0; t < 12; t++) {
                TestProblems.parabola(a, t);
                straight.step();
                expected.add(straight.trace());
            }
        }
        List<Parameter> b = TestProblems.parameters(backend, 3, Shape.matrix(4, 5), Shape.vector(5));
        java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
        try (ProbedOptimizer first = probed(stack, b)) {
            for (int t = 0; t < 5; t++) {
                TestProblems.parabola(b, t);
                first.step();
            }
            first.state().write(saved);
        }
        List<Parameter> c = TestProblems.parameters(backend, 99, Shape.matrix(4, 5), Shape.vector(5));
        for (int p = 0; p < c.size(); p++) {
            c.get(p).value().copyFrom(b.get(p).value().toArray());
        }
        try (ProbedOptimizer resumed = probed(stack, c)) {
            resumed.loadState(org.optopt.api.optim.StateDict.read(new java.io.ByteArrayInputStream(saved.toByteArray()),
                    "saved"));
            for (int t = 5; t < 12; t++) {
                TestProblems.parabola(c, t);
                resumed.step();
                assertEquals(expected.get(t), resumed.trace(), "step " + (t + 1));
            }
            assertTrue(expected.get(8).containsKey("probe.autocorrelation.R2"), "the statistics are in the trace");
            for (int p = 0; p < a.size(); p++) {
                assertArrayEquals(a.get(p).value().toArray(), c.get(p).value().toArray());
            }
            try (Optimizer plain = create(stack, TestProblems.parameters(backend, 3, Shape.matrix(4, 5),
                    Shape.vector(5)))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> resumed.loadState(plain.state()));
                assertTrue(e.getMessage().contains("saved without probes"), e.getMessage());
            }
        }
    }

    /** {@code stack} with every probe, observing bursts of 3 steps every 4, in the trace every 2 steps. */
    private ProbedOptimizer probed(String stack, List<Parameter> params) {
        return new ProbedOptimizer(create(stack, params), Probes.create(Probes.NAMES, backend, ParameterSet.of(params)),
                2, 4, 3);
    }

    private Optimizer create(String stack, List<Parameter> params) {
        return stack.contains("/") ? Towers.parse(stack, new RegistryCatalog(Optimizers.discover())).build(ParameterSet.of(params), backend)
                : new Adam().create(backend, ParameterSet.of(params), Map.of());
    }

    /**
     * The autocorrelation history is a ring whose newest slot moves each observation: a state saved
     * mid-turn (5 observations, 3 slots) and loaded into a fresh probe (ring at its start) continues
     * with the same statistics, and R(k) matches a double reference throughout.
     */
    @Test
    void theAutocorrelationRingSurvivesASaveMidTurn() {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        try (AutocorrelationProbe straight = new AutocorrelationProbe(backend, set, 3, BETA);
             AutocorrelationProbe resumed = new AutocorrelationProbe(backend, set, 3, BETA)) {
            double[] r = new double[4];
            for (int t = 1; t <= 9; t++) {
                float[][] g = gradients(t);
                load(params, g);
                straight.observe(set);
                if (t == 5) {
                    resumed.loadState(straight.state());
                } else if (t > 5) {
                    resumed.observe(set);
                    assertEquals(straight.statistics(), resumed.statistics(), "observation " + t);
                }
                for (int k = 0; k <= 3 && k < t; k++) {
                    r[k] = BETA * r[k] + (1 - BETA) * dot(g, gradients(t - k));
                }
            }
            double[] rk = resumed.autocorrelations();
            for (int k = 0; k <= 3; k++) {
                double expected = r[k] / (1 - Math.pow(BETA, 9 - k));
                assertEquals(expected, rk[k], 1e-5 * Math.abs(expected), "R" + k);
            }
        }
    }

    @Test
    void badConfigurationsAreRefused() {
        ParameterSet set = ParameterSet.of(parameters());
        assertThrows(IllegalArgumentException.class, () -> Probes.create(List.of("nope"), backend, set));
        assertThrows(IllegalArgumentException.class, () -> new AutocorrelationProbe(backend, set, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new SecondMomentProbe(backend, set, 1));
        try (SecondMomentProbe p = new SecondMomentProbe(backend, set, 0.9)) {
            assertTrue(p.statistics().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> p.observe(ParameterSet.of(parameters().subList(0, 1))));
            assertFalse(p.observations() > 0);
        }
        List<Probe> two = Probes.create(List.of("second-moment"), backend, set);
        assertThrows(IllegalArgumentException.class, () -> new ProbedOptimizer(null, List.of(two.get(0), two.get(0)), 1));
    }

    @Test
    void samplingObservesBurstsAndLagsNeverSpanAGap() {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        AutocorrelationProbe ac = new AutocorrelationProbe(backend, set, 2, BETA);
        try (ProbedOptimizer probed = new ProbedOptimizer(new Adam().create(backend, set, Map.of()), List.of(ac), 1, 5, 3)) {
            double[] r = new double[3];
            long[] n = new long[3];
            for (int i = 0; i < 12; i++) {
                load(params, gradients(i));
                probed.step();
                if (i % 5 < 3) {
                    for (int k = 0; k <= i % 5; k++) { // within the burst only
                        r[k] = BETA * r[k] + (1 - BETA) * dot(gradients(i), gradients(i - k));
                        n[k]++;
                    }
                }
            }
            assertEquals(8, ac.observations());
            assertArrayEquals(new long[] {8, 5, 2}, n);
            double[] rk = ac.autocorrelations();
            for (int k = 0; k <= 2; k++) {
                double expected = r[k] / (1 - Math.pow(BETA, n[k]));
                assertEquals(expected, rk[k], 1e-5 * Math.abs(expected), "R" + k);
            }
        }
    }
}
