package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Precision;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;

/**
 * The autocorrelation probe's float16 lag ring against the definition in double ({@link LagReference}):
 * every R(k) within 2^-11 sum_i |g_i| max(|g'_i|, RMS(g')) (plus the float products' rounding) for
 * gradients of RMS 1e-8 to 1e3, through a gradient that grows by 1e8 in one step and shrinks back,
 * gaps, and a state saved and loaded into a fresh probe, which carries on bit for bit.
 */
class AutocorrelationFloat16Test {
    private static final double BETA = 0.9;
    private static final int LAGS = 4;
    private final ReferenceBackend backend = new ReferenceBackend();

    private ParameterSet parameters() {
        Shape[] shapes = {Shape.matrix(16, 40), Shape.vector(9)};
        Parameter[] out = new Parameter[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            out[i] = new Parameter("p" + i, backend.zeros(shapes[i]), backend.zeros(shapes[i]));
        }
        return ParameterSet.of(List.of(out));
    }

    /**
     * Correlated gradients of RMS about {@code scale} (elements from 1e-3 to 10 times it, some zero),
     * loaded into {@code set}.
     */
    private static float[][] load(ParameterSet set, Random random, int t, double scale) {
        List<Parameter> params = set.parameters();
        float[][] g = new float[params.size()][];
        for (int p = 0; p < g.length; p++) {
            g[p] = new float[params.get(p).gradient().size()];
            for (int i = 0; i < g[p].length; i++) {
                double v = Math.sin(0.2 * t + i) + 0.5 * random.nextGaussian();
                g[p][i] = i % 17 == 0 ? 0f : (float) (scale * v * Math.pow(10, (i % 5) - 3 + (i % 3)));
            }
            params.get(p).gradient().copyFrom(g[p]);
        }
        return g;
    }

    @ParameterizedTest(name = "gradients of scale {0}")
    @ValueSource(doubles = {1e-8, 1e-3, 1, 1e3})
    void float16RingMatchesTheDefinitionThroughJumpsGapsAndARestore(double scale) {
        ParameterSet set = parameters();
        Random random = new Random(11);
        LagReference reference = new LagReference(LAGS, BETA);
        AutocorrelationProbe probe = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT16, BETA);
        AutocorrelationProbe uninterrupted = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT16, BETA);
        try {
            for (int t = 0; t < 50; t++) {
                if (t == 21 || t == 40) {
                    probe.gap();
                    uninterrupted.gap();
                    reference.gap();
                }
                double jump = t == 30 ? 1e8 : t == 31 ? 1e-4 : 1; // grows by 1e8 (overflowing), then shrinks by 1e12
                float[][] g = load(set, random, t, scale * jump);
                probe.observe(set);
                uninterrupted.observe(set);
                reference.observe(g);
                reference.check(probe, "scale " + scale + ", observation " + (t + 1));
                if (t == 25 || t == 30) {
                    StateDict saved = probe.state();
                    probe.close();
                    probe = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT16, BETA);
                    probe.loadState(saved);
                }
            }
            assertEquals(uninterrupted.statistics(), probe.statistics(), "a restored probe carries on bit for bit");
            double[] r = probe.autocorrelations();
            for (int k = 0; k <= LAGS; k++) {
                assertEquals(reference.r(k), r[k], 2e-3 * Math.abs(reference.r(0)), "R" + k + " relative to R0");
            }
        } finally {
            probe.close();
            uninterrupted.close();
        }
    }

    @Test
    void aGradientThatIsNotFiniteReadsAsItDoesInAFloat32Ring() {
        ParameterSet set = parameters();
        Random random = new Random(5);
        try (AutocorrelationProbe half = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT16, BETA);
             AutocorrelationProbe full = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT32, BETA)) {
            for (int t = 0; t < 12; t++) {
                load(set, random, t, 1);
                if (t == 6) {
                    Parameter p = set.parameters().get(1);
                    float[] g = p.gradient().toArray();
                    g[3] = Float.POSITIVE_INFINITY;
                    p.gradient().copyFrom(g);
                }
                half.observe(set);
                full.observe(set);
                Map<String, Double> a = half.statistics();
                Map<String, Double> b = full.statistics();
                for (String key : b.keySet()) {
                    assertEquals(Double.isFinite(b.get(key)), Double.isFinite(a.get(key)), key + " after observation " + (t + 1));
                }
            }
        }
    }

    @Test
    void aFloat16RingFoldsEveryObservationAndKeepsItsPrecisionInItsState() {
        ParameterSet set = parameters();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AutocorrelationProbe(backend, set, LAGS, 2, Precision.FLOAT16, BETA));
        assertTrue(e.getMessage().contains("float16") && e.getMessage().contains("blocks of 2"), e.getMessage());
        try (AutocorrelationProbe half = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT16, BETA);
             AutocorrelationProbe full = new AutocorrelationProbe(backend, set, LAGS, 1, Precision.FLOAT32, BETA)) {
            load(set, new Random(1), 0, 1);
            half.observe(set);
            full.observe(set);
            e = assertThrows(IllegalArgumentException.class, () -> half.loadState(full.state()));
            assertTrue(e.getMessage().contains("float32 lag ring"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> full.loadState(half.state()));
            assertTrue(e.getMessage().contains("float16 lag ring"), e.getMessage());
        }
    }
}
