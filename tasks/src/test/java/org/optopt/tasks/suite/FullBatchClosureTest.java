package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.LineBound;
import org.optopt.api.optim.Parameter;
import org.optopt.api.testkit.ReferenceBackend;

/**
 * The closures of the full-batch tasks: the line bound along the negative gradient starts at the
 * loss with slope {@code -||g||^2} (the gradient and the bound agree), and the loss evaluated at
 * sampled steps {@code x + eta d} lies between its lower and upper quadratics; mini-batch
 * configurations have no bound.
 */
class FullBatchClosureTest {
    private final Backend be = new ReferenceBackend();

    @ParameterizedTest
    @CsvSource({"logreg-synthetic, 1000, 0.5", "logreg-synthetic, 1000, 20", "ridge-toy, 2000, 0.05", "ridge-toy, 2000, 2"})
    void theLineBoundEnclosesTheLossAlongTheNegativeGradient(String name, int batch, double maxStep) throws IOException {
        try (TrainingProblem p = TaskRegistry.standard().get(name).instantiate(be, null, 3, batch)) {
            assertEquals(1, p.stepsPerEpoch());
            p.nextBatch();
            Closure closure = p.closure();
            double f0 = closure.evaluate();
            List<Parameter> params = p.parameters().parameters();
            Map<String, float[]> start = new LinkedHashMap<>();
            Map<String, float[]> direction = new LinkedHashMap<>();
            double gradNorm2 = 0;
            for (Parameter q : params) {
                start.put(q.name(), q.value().toArray());
                float[] d = q.gradient().toArray();
                for (int i = 0; i < d.length; i++) {
                    gradNorm2 += (double) d[i] * d[i];
                    d[i] = -d[i];
                }
                direction.put(q.name(), d);
            }
            LineBound bound = closure.lineBound(direction, maxStep);
            assertEquals(f0, bound.value(), 1e-12 * Math.abs(f0));
            assertEquals(-gradNorm2, bound.slope(), 1e-5 * gradNorm2, "slope of the bound vs. the gradient");
            assertTrue(bound.curvatureLow() <= bound.curvatureHigh(), bound.toString());
            for (int k = 0; k <= 20; k++) {
                double eta = maxStep * k / 20;
                for (Parameter q : params) {
                    float[] x = start.get(q.name()).clone();
                    float[] d = direction.get(q.name());
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (x[i] + eta * d[i]);
                    }
                    q.value().copyFrom(x);
                }
                double f = closure.evaluate();
                double slack = 1e-5 * (1 + Math.abs(f));
                assertTrue(bound.lower(eta) - slack <= f && f <= bound.upper(eta) + slack,
                        name + " at eta " + eta + ": loss " + f + " outside [" + bound.lower(eta) + ", "
                                + bound.upper(eta) + "]");
            }
        }
    }

    @Test
    void miniBatchesHaveNoLineBound() throws IOException {
        for (String name : List.of("logreg-synthetic", "ridge-toy", "teacher-student-mlp")) {
            try (TrainingProblem p = TaskRegistry.standard().get(name).instantiate(be, null, 0, 100)) {
                p.nextBatch();
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> p.closure().lineBound(Map.of(), 1.0));
                assertTrue(e.getMessage().startsWith("the loss is a mini-batch estimate (batch 100, "), e.getMessage());
            }
        }
    }
}
