package org.optopt.optimizers.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;

/**
 * The autocorrelation probe's deferred lag products against the per-observation definition,
 * computed here in double: R(k) = bias-corrected EMA of g_t . g_(t-k), lag k counting from the
 * (k+1)-th observation after a gap. Random gradients; statistics read at odd positions in mid-block,
 * gaps (one right after another too), and a state saved in mid-block and loaded into a fresh probe
 * that carries on. Each R(k) must match within float rounding: 1e-5 of the same EMA over the
 * products' absolute values (the products are float, their sums double).
 */
class AutocorrelationBlockTest {
    private static final double BETA = 0.9;
    private static final Shape[] SHAPES = {Shape.matrix(3, 5), Shape.vector(4)};
    private final ReferenceBackend backend = new ReferenceBackend();

    /** The definition in double over the gradients since the last gap. */
    private static final class Reference {
        final int lags;
        final double[] ema;
        final double[] scale;
        final long[] counts;
        final List<float[][]> run = new ArrayList<>();

        Reference(int lags) {
            this.lags = lags;
            ema = new double[lags + 1];
            scale = new double[lags + 1];
            counts = new long[lags + 1];
        }

        void observe(float[][] g) {
            run.add(g);
            int t = run.size() - 1;
            for (int k = 0; k <= lags && k <= t; k++) {
                float[][] h = run.get(t - k);
                double dot = 0;
                double abs = 0;
                for (int p = 0; p < g.length; p++) {
                    for (int i = 0; i < g[p].length; i++) {
                        dot += (double) g[p][i] * h[p][i];
                        abs += Math.abs((double) g[p][i] * h[p][i]);
                    }
                }
                ema[k] = BETA * ema[k] + (1 - BETA) * dot;
                scale[k] = BETA * scale[k] + (1 - BETA) * abs;
                counts[k]++;
            }
        }

        void gap() {
            run.clear();
        }

        void check(AutocorrelationProbe probe, String where) {
            Map<String, Double> s = probe.statistics();
            for (int k = 0; k <= lags; k++) {
                Double got = s.get("R" + k);
                if (counts[k] == 0) {
                    assertTrue(got.isNaN(), where + ": R" + k + " not observed yet, got " + got);
                    continue;
                }
                double c = 1 / (1 - Math.pow(BETA, counts[k]));
                assertEquals(ema[k] * c, got, 1e-5 * scale[k] * c, where + ": R" + k);
            }
        }
    }

    private List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            out.add(new Parameter("p" + i, backend.zeros(SHAPES[i]), backend.zeros(SHAPES[i])));
        }
        return out;
    }

    /** Gradients with a drifting mean, so that the lags are correlated, loaded into {@code params}. */
    private static float[][] load(List<Parameter> params, Random random, int t) {
        float[][] g = new float[params.size()][];
        for (int p = 0; p < g.length; p++) {
            g[p] = new float[params.get(p).gradient().shape().size()];
            for (int i = 0; i < g[p].length; i++) {
                g[p][i] = (float) (Math.sin(0.3 * t + i) + random.nextGaussian());
            }
            params.get(p).gradient().copyFrom(g[p]);
        }
        return g;
    }

    @ParameterizedTest(name = "K = {0}, B = {1}")
    @CsvSource({"1, 1", "4, 1", "1, 2", "3, 3", "4, 4", "2, 5", "4, 8"})
    void blockedProbeMatchesTheDefinitionThroughReadsGapsAndARestore(int lags, int block) {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        Random random = new Random(7L * lags + block);
        Reference reference = new Reference(lags);
        AutocorrelationProbe probe = new AutocorrelationProbe(backend, set, lags, block, BETA);
        try {
            for (int t = 0; t < 60; t++) {
                if (t == 17 || t == 29 || t == 30 || t == 41) { // a gap, twice in a row at 29 and 30
                    probe.gap();
                    reference.gap();
                }
                float[][] g = load(params, random, t);
                probe.observe(set);
                reference.observe(g);
                if (t % 3 == 1 || t % 7 == 5) {
                    reference.check(probe, "read after observation " + (t + 1));
                }
                if (t == 22 || t == 46) { // mid-block for every B > 1 here but 3 at t = 46 (after the gap at 41)
                    StateDict saved = probe.state();
                    probe.close();
                    probe = new AutocorrelationProbe(backend, set, lags, block, BETA);
                    probe.loadState(saved);
                }
            }
            reference.check(probe, "the end");
            assertEquals(60, probe.observations());
        } finally {
            probe.close();
        }
    }

    /**
     * Reading the statistics folds the pending observations into a copy only: a probe read after
     * every observation, one never read, and one saved and restored in mid-block end bit-identical.
     */
    @ParameterizedTest(name = "B = {0}")
    @CsvSource({"2", "4", "5"})
    void statisticsDoNotDependOnWhenTheyAreReadOrSaved(int block) {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        Random random = new Random(block);
        try (AutocorrelationProbe read = new AutocorrelationProbe(backend, set, 4, block, BETA);
             AutocorrelationProbe unread = new AutocorrelationProbe(backend, set, 4, block, BETA);
             AutocorrelationProbe restored = new AutocorrelationProbe(backend, set, 4, block, BETA)) {
            for (int t = 0; t < 23; t++) {
                load(params, random, t);
                read.observe(set);
                read.statistics();
                unread.observe(set);
                if (t < 9) {
                    restored.observe(set);
                } else {
                    if (t == 9) {
                        restored.loadState(unread.state());
                    } else {
                        restored.observe(set);
                    }
                    assertEquals(read.statistics(), restored.statistics(), "observation " + (t + 1));
                }
            }
            assertEquals(read.statistics(), unread.statistics());
        }
    }

    @ParameterizedTest(name = "B = {0}")
    @CsvSource({"0", "-1"})
    void aBlockOfFewerThanOneObservationIsRefused(int block) {
        ParameterSet set = ParameterSet.of(parameters());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AutocorrelationProbe(backend, set, 4, block, BETA));
        assertTrue(e.getMessage().contains("block"), e.getMessage());
    }

    @ParameterizedTest(name = "saved with B = {0}, loaded with B = {1}")
    @CsvSource({"4, 2", "2, 4"})
    void aStateOfAnotherBlockSizeIsRefused(int savedBlock, int loadedBlock) {
        List<Parameter> params = parameters();
        ParameterSet set = ParameterSet.of(params);
        Random random = new Random(3);
        try (AutocorrelationProbe saver = new AutocorrelationProbe(backend, set, 4, savedBlock, BETA);
             AutocorrelationProbe loader = new AutocorrelationProbe(backend, set, 4, loadedBlock, BETA)) {
            for (int t = 0; t < 3; t++) {
                load(params, random, t);
                saver.observe(set);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.loadState(saver.state()));
            assertTrue(e.getMessage().contains("pending") || e.getMessage().contains("prev"), e.getMessage());
        }
    }
}
