package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;

class RidgeToyTest {
    private final Backend be = new ReferenceBackend();

    /** The mini-batch gradient against central differences of the mini-batch loss. */
    @Test
    void gradientMatchesFiniteDifferencesOfTheBatchLoss() {
        try (RidgeToyProblem p = new RidgeToyProblem(be, 1, 2, 10)) {
            p.nextBatch();
            p.lossAndGradient();
            float[] g = p.parameters().parameters().get(0).gradient().toArray();
            float[] w = p.parameters().parameters().get(0).value().toArray();
            for (int j = 0; j < RidgeToyProblem.DIMENSION; j++) {
                float[] shifted = w.clone();
                float h = 1e-2f;
                shifted[j] = w[j] + h;
                p.parameters().parameters().get(0).value().copyFrom(shifted);
                double plus = p.lossAndGradient();
                shifted[j] = w[j] - h;
                p.parameters().parameters().get(0).value().copyFrom(shifted);
                double minus = p.lossAndGradient();
                assertEquals((plus - minus) / ((w[j] + h) - (double) (w[j] - h)), g[j], 1e-4 * Math.max(1, Math.abs(g[j])),
                        "d loss / d w[" + j + "]");
            }
        }
    }

    /** Full-batch gradient descent converges to the minimizer: the suboptimality starts large and falls to 0, never below. */
    @Test
    void suboptimalityOfFullBatchGradientDescentFallsToZero() {
        try (RidgeToyProblem p = new RidgeToyProblem(be, 3, 4, RidgeToyProblem.EXAMPLES)) {
            double initial = p.evaluate().loss();
            assertTrue(initial > 1, "initial suboptimality " + initial);
            Sgd.train(p, 0.3, 400);
            double end = p.evaluate().loss();
            assertTrue(end >= -1e-9 && end < 1e-9, "suboptimality after gradient descent " + end);
        }
    }
}
