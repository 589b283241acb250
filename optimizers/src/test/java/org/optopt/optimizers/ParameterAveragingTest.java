package org.optopt.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;

/** EMA and SWA averages against their closed forms over the recorded iterates, the view, and the state round trip. */
class ParameterAveragingTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    private ParameterAveraging averaged(List<Parameter> params, String spec) {
        return new ParameterAveraging(Optimizers.discover().provider("adam").create(backend, ParameterSet.of(params),
                Map.of("lr", 0.05)), backend, spec);
    }

    @Test
    void emaAndSwaEqualTheirClosedFormsAndTheViewShowsThem() {
        List<Parameter> a = TestProblems.parameters(backend, 3, Shape.vector(5));
        List<Parameter> b = TestProblems.parameters(backend, 3, Shape.vector(5));
        double[] ema = toDouble(a.get(0).value().toArray());
        double[] swa = new double[5];
        int steps = 8;
        int start = 3;
        try (ParameterAveraging e = averaged(a, "ema:0.9"); ParameterAveraging s = averaged(b, "swa:3")) {
            for (int t = 1; t <= steps; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(b, t);
                e.step();
                s.step();
                float[] p = a.get(0).value().toArray();
                for (int i = 0; i < p.length; i++) {
                    ema[i] = 0.9 * ema[i] + 0.1 * p[i];
                    swa[i] += t > start ? p[i] : 0;
                }
            }
            float[] training = a.get(0).value().toArray();
            try (EvaluationView view = e.evaluationView()) {
                float[] shown = a.get(0).value().toArray();
                for (int i = 0; i < shown.length; i++) {
                    assertEquals(ema[i], shown[i], 1e-5, "ema element " + i);
                }
                assertThrows(IllegalStateException.class, e::step);
            }
            assertArrayEquals(training, a.get(0).value().toArray());
            float[] mean = s.average("W").toArray();
            for (int i = 0; i < mean.length; i++) {
                assertEquals(swa[i] / (steps - start), mean[i], 1e-5, "swa element " + i);
            }
        }
    }

    @Test
    void stateRoundTripsWithTheAverages() {
        List<Parameter> a = TestProblems.parameters(backend, 4, Shape.vector(6));
        List<Parameter> b = TestProblems.parameters(backend, 4, Shape.vector(6));
        try (ParameterAveraging first = averaged(a, "swa:1"); ParameterAveraging second = averaged(b, "swa:1")) {
            for (int t = 0; t < 4; t++) {
                TestProblems.parabola(a, t);
                first.step();
            }
            StateDict state = first.state();
            b.get(0).value().copyFrom(a.get(0).value().toArray());
            second.loadState(state);
            for (int t = 4; t < 7; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(b, t);
                first.step();
                second.step();
            }
            assertArrayEquals(first.average("W").toArray(), second.average("W").toArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> averaged(TestProblems.parameters(backend, 4, Shape.vector(6)), "ema:0.5").loadState(state));
            assertTrue(e.getMessage().contains("average swa:1"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ema:1", "ema", "swa:1.5", "swa:-1", "polyak:0.9", "ema:x"})
    void invalidSpecsAreRefusedInOneLine(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterAveraging.validate(spec));
        assertTrue(e.getMessage().startsWith("Invalid average '" + spec + "'") && !e.getMessage().contains("\n"),
                e.getMessage());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
