package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.FusibleProbe;
import org.optopt.api.probe.Probe;
import org.optopt.api.probe.ProbeFusion;
import org.optopt.api.probe.ProbePass;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.adaptive.Adam;

/**
 * Probes fused into Adam's step kernel ({@link ProbeFusion}) or run in one pass ({@link ProbePass}):
 * Adam's parameters stay bit-identical to an unprobed Adam's, and the statistics equal those of the
 * same probes observing on their own and EMAs computed here in double from copies of the gradients.
 */
class FusedProbesTest {
    private static final double BETA = 0.9;
    private static final int LAGS = 2;
    private final ReferenceBackend backend = new ReferenceBackend();

    private List<Parameter> parameters() {
        return TestProblems.parameters(backend, 5, Shape.matrix(4, 5), Shape.vector(5));
    }

    /** The second-moment probe and the autocorrelation probe in blocks of {@code block} observations. */
    private List<Probe> probes(ParameterSet set, int block) {
        return List.of(new SecondMomentProbe(backend, set, BETA), new AutocorrelationProbe(backend, set, LAGS, block, BETA));
    }

    private Optimizer adam(ParameterSet set) {
        return new Adam().create(backend, set, Map.of("lr", 0.05));
    }

    /** With lag blocks of 3 the fused step alternates between two kernels (copy, copy, fold). */
    @ParameterizedTest(name = "lag block {0}")
    @ValueSource(ints = {1, 3})
    void fusedProbesKeepAdamBitIdenticalAndMatchStandaloneProbesAndADoubleReference(int block) {
        List<Parameter> a = parameters();
        List<Parameter> b = parameters();
        List<Parameter> c = parameters();
        ParameterSet sb = ParameterSet.of(b);
        ParameterSet sc = ParameterSet.of(c);
        int steps = 9;
        double sq = 0;
        double[] r = new double[LAGS + 1];
        List<float[][]> seen = new ArrayList<>();
        try (Optimizer plain = adam(ParameterSet.of(a));
             ProbedOptimizer fused = new ProbedOptimizer(adam(sb), probes(sb, block), 1, 1, 1, true);
             ProbedOptimizer separate = new ProbedOptimizer(adam(sc), probes(sc, block), 1, 1, 1, false)) {
            assertTrue(fused.fused(), "Adam fuses the probes' kernels");
            assertFalse(separate.fused());
            for (int t = 0; t < steps; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(b, t);
                TestProblems.parabola(c, t);
                float[][] g = {b.get(0).gradient().toArray(), b.get(1).gradient().toArray()};
                seen.add(g);
                plain.step();
                fused.step();
                separate.step();
                for (int p = 0; p < a.size(); p++) {
                    assertArrayEquals(a.get(p).value().toArray(), b.get(p).value().toArray(), "step " + (t + 1));
                    assertArrayEquals(a.get(p).value().toArray(), c.get(p).value().toArray(), "step " + (t + 1));
                }
                assertEquals(separate.trace(), fused.trace(), "step " + (t + 1));
                sq = BETA * sq + (1 - BETA) * ProbesTest.dot(g, g);
                for (int k = 0; k <= LAGS && k <= t; k++) {
                    r[k] = BETA * r[k] + (1 - BETA) * ProbesTest.dot(g, seen.get(t - k));
                }
            }
            Map<String, Double> trace = fused.trace();
            double expected = sq / (1 - Math.pow(BETA, steps));
            assertEquals(expected, trace.get("probe.second-moment.sq_norm"), 1e-5 * expected);
            for (int k = 0; k <= LAGS; k++) {
                double rk = r[k] / (1 - Math.pow(BETA, steps - k));
                assertEquals(rk, trace.get("probe.autocorrelation.R" + k), 1e-5 * Math.abs(rk), "R" + k);
            }
        }
    }

    /**
     * Sampled bursts (plain steps between them), a frozen group (its parameter is not updated, so its
     * statistics come from the fragment run on its own) and a skipped non-finite step: the fused
     * probes still see exactly what probes observing on their own see.
     */
    @ParameterizedTest(name = "lag block {0}")
    @ValueSource(ints = {1, 2})
    void burstsFrozenGroupsAndSkippedStepsObserveAsSeparateProbes(int block) {
        List<Parameter> b = parameters();
        List<Parameter> c = parameters();
        ParameterSet sb = ParameterSet.ofGroups(List.of(ParameterGroup.of("w", List.of(b.get(0))),
                ParameterGroup.of("bias", List.of(b.get(1))).freeze()));
        ParameterSet sc = ParameterSet.ofGroups(List.of(ParameterGroup.of("w", List.of(c.get(0))),
                ParameterGroup.of("bias", List.of(c.get(1))).freeze()));
        try (ProbedOptimizer fused = new ProbedOptimizer(adam(sb), probes(sb, block), 2, 4, 3, true);
             ProbedOptimizer separate = new ProbedOptimizer(adam(sc), probes(sc, block), 2, 4, 3, false)) {
            fused.setNonFinitePolicy(org.optopt.api.optim.NonFinitePolicy.SKIP_NON_FINITE);
            separate.setNonFinitePolicy(org.optopt.api.optim.NonFinitePolicy.SKIP_NON_FINITE);
            for (int t = 0; t < 11; t++) {
                TestProblems.parabola(b, t);
                TestProblems.parabola(c, t);
                if (t == 9) {
                    b.get(0).gradient().copyFrom(withNaN(b.get(0).gradient().toArray()));
                    c.get(0).gradient().copyFrom(withNaN(c.get(0).gradient().toArray()));
                }
                fused.step();
                separate.step();
                for (int p = 0; p < b.size(); p++) {
                    assertArrayEquals(c.get(p).value().toArray(), b.get(p).value().toArray(), "step " + (t + 1));
                }
                assertEquals(separate.trace(), fused.trace(), "step " + (t + 1));
            }
            assertEquals(1, fused.skippedSteps());
        }
    }

    /**
     * One pass gives each probe the statistics it has on its own. Every observation's lag products
     * (block 1): one fragment. Blocks of 3: a fragment for each kernel of the autocorrelation probe
     * (fragment c holds its kernel c, the second-moment probe's only one being digit 0), the pass
     * running copy, copy, fold.
     */
    @ParameterizedTest(name = "lag block {0}")
    @ValueSource(ints = {1, 3})
    void onePassGivesEachProbeItsOwnStatistics(int block) {
        List<Parameter> b = parameters();
        ParameterSet set = ParameterSet.of(b);
        List<Probe> alone = probes(set, block);
        List<Probe> together = probes(set, block);
        ProbePass pass = new ProbePass("pass", together.stream().map(FusibleProbe.class::cast).toList());
        var compiled = pass.fragments().stream().map(backend::compile).toList();
        List<java.util.Set<String>> buffers = pass.fragments().stream().map(k -> java.util.Set.copyOf(k.buffers())).toList();
        if (block == 1) {
            assertEquals(List.of("pass"), pass.fragments().stream().map(Kernel::name).toList());
            assertEquals(List.of(java.util.Set.of("g", "probe0.v", "probe1.prev1", "probe1.prev2")), buffers,
                    "one gradient, each probe's buffers under its prefix");
        } else {
            assertEquals(List.of("pass_0", "pass_1"), pass.fragments().stream().map(Kernel::name).toList());
            assertEquals(List.of(java.util.Set.of("g", "probe0.v", "probe1.slot"),
                    java.util.Set.of("g", "probe0.v", "probe1.prev1", "probe1.prev2", "probe1.prev3", "probe1.prev4")),
                    buffers, "a copy into the ring's slot, and a fold over a ring of K + B - 1 = 4");
        }
        for (int t = 0; t < 7; t++) {
            assertEquals(t % block == block - 1 ? pass.fragments().size() - 1 : 0, pass.next(), "observation " + (t + 1));
            TestProblems.parabola(b, t);
            alone.forEach(p -> p.observe(set));
            pass.observe(set, compiled);
            for (int j = 0; j < alone.size(); j++) {
                assertEquals(alone.get(j).statistics(), together.get(j).statistics(), "step " + (t + 1));
            }
        }
        alone.forEach(Probe::close);
        together.forEach(Probe::close);
    }

    @Test
    void fusionIsRefusedWhereTheFragmentNamesTheRulesBuffersOrScalars() {
        ParameterSet set = ParameterSet.of(parameters());
        try (Optimizer adam = adam(set)) {
            ProbeFusion fusion = (ProbeFusion) adam;
            assertTrue(fusion.fuse(kernel("m", "s")).isEmpty(), "a buffer of Adam's");
            assertTrue(fusion.fuse(kernel("q", "lr")).isEmpty(), "a scalar of Adam's");
            assertTrue(fusion.fuse(kernel("q", "s")).isPresent());
        }
    }

    /** {@code buffer = scalar * g}. */
    private static Kernel kernel(String buffer, String scalar) {
        return Kernel.builder("fragment").store(buffer, Expr.scalar(scalar).times(Expr.buffer("g"))).build();
    }

    private static float[] withNaN(float[] g) {
        g[1] = Float.NaN;
        return g;
    }
}
