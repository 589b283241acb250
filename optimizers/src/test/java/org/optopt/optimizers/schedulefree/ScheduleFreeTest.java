package org.optopt.optimizers.schedulefree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.ElementwiseOptimizer;
import org.optopt.optimizers.TestProblems;

/**
 * The evaluation view against the closed form of x (with r = 0 and weight_lr_power = 0 every weight
 * is 1, so x is the plain average of the z iterates) and its exact restore. The trajectories are
 * checked by {@code OptoptGoldenTest} (the shared {@code optopt-schedule-free-adamw.json}) and
 * {@code NumpyReferencesTest} (our {@code optopt-schedule-free-sgd.json}).
 */
class ScheduleFreeTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void evaluationViewHoldsTheAverageOfTheZIteratesAndRestoresTrainingValuesExactly() {
        List<Parameter> params = TestProblems.parameters(backend, 9, Shape.matrix(2, 3), Shape.vector(4));
        try (ElementwiseOptimizer opt = new ScheduleFreeAdamW().create(backend, ParameterSet.of(params),
                Map.of("lr", 0.05, "weight_decay", 0.1, "weight_lr_power", 0.0))) {
            assertTrue(opt.averagesParameters());
            double[] zSum = new double[6];
            int steps = 7;
            for (int t = 0; t < steps; t++) {
                TestProblems.parabola(params, 3);
                opt.step();
                float[] z = opt.buffer("W", "z").toArray();
                for (int i = 0; i < z.length; i++) {
                    zSum[i] += z[i];
                }
            }
            float[] training = params.get(0).value().toArray();
            try (EvaluationView view = opt.evaluationView()) {
                float[] evaluation = params.get(0).value().toArray();
                for (int i = 0; i < evaluation.length; i++) {
                    assertEquals(zSum[i] / steps, evaluation[i], 1e-5, "x element " + i);
                }
                assertFalse(java.util.Arrays.equals(training, evaluation));
                IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
                assertTrue(e.getMessage().contains("evaluation view is open"), e.getMessage());
            }
            assertArrayEquals(training, params.get(0).value().toArray());
        }
    }

    @Test
    void optimizersThatDoNotAverageHaveTheIdentityView() {
        List<Parameter> params = TestProblems.parameters(backend, 9, Shape.vector(4));
        try (var sgd = org.optopt.api.optim.Optimizers.discover().provider("sgd")
                .create(backend, ParameterSet.of(params), Map.of())) {
            assertFalse(sgd.averagesParameters());
            assertEquals(EvaluationView.IDENTITY, sgd.evaluationView());
        }
    }
}
