package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;

class StreamProblemsTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void noisyQuadraticExpectedLossIsTheMeanBatchLoss() throws Exception {
        try (TrainingProblem p = new NoisyQuadraticProblem(be, 100, 16, 3)) {
            double harmonic = 0;
            for (int i = 1; i <= 100; i++) {
                harmonic += 1.0 / i;
            }
            double expected = 0.5 * harmonic + 50;
            assertEquals(expected, p.evaluate().loss(), 1e-6);
            assertThrows(IllegalStateException.class, p::lossAndGradient);
            int n = 4000;
            double mean = 0;
            for (int i = 0; i < n; i++) {
                p.nextBatch();
                mean += p.lossAndGradient() / n;
            }
            // per-example variance 0.25*(4 sum h_i + 2d) = 55, so the mean of 4000 batches of 16 has a standard error of 0.03
            assertEquals(expected, mean, 0.15);
        }
    }

    @Test
    void noisyQuadraticSgdApproachesTheOptimum() throws Exception {
        try (TrainingProblem p = TaskRegistry.standard().get("noisy-quadratic").instantiate(be, null, 1)) {
            double start = p.evaluate().loss();
            Sgd.train(p, 0.5, 400);
            double end = p.evaluate().loss();
            assertTrue(end < 50 + 0.1 * (start - 50), "expected loss " + start + " -> " + end);
        }
    }

    @Test
    void rosenbrockStartsAtDeepObsPointWithTheAnalyticGradient() throws Exception {
        try (TrainingProblem p = TaskRegistry.standard().get("rosenbrock").instantiate(be, null, 2)) {
            assertEquals(2.25 + 100 * 1.25 * 1.25, p.evaluate().loss(), 1e-9);
            p.nextBatch();
            p.lossAndGradient();
            // d/du = -2(1-u) - 400 u (v - u^2) + mean x;  d/dv = 200 (v - u^2) + mean y; noise sd 1/sqrt(128)
            assertEquals(247.0, p.parameters().parameters().get(0).gradient().item(), 0.5);
            assertEquals(250.0, p.parameters().parameters().get(1).gradient().item(), 0.5);
            Sgd.train(p, 1e-3, 3000);
            assertTrue(p.evaluate().loss() < 1.0, "Rosenbrock value after 3000 SGD steps: " + p.evaluate().loss());
        }
    }
}
