package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;

class DeepQuadraticTest {
    private final Backend be = new ReferenceBackend();
    private final DeepQuadratic.Data data = DeepQuadratic.data();
    private static final int D = DeepQuadratic.DIM;

    /** 0.5 mean_i (theta - x_i)^T Q (theta - x_i) in double. */
    private double loss(double[] theta, float[] x) {
        double total = 0;
        int n = x.length / D;
        for (int i = 0; i < n; i++) {
            double[] d = new double[D];
            for (int k = 0; k < D; k++) {
                d[k] = theta[k] - x[i * D + k];
            }
            for (int a = 0; a < D; a++) {
                double qd = 0;
                for (int b = 0; b < D; b++) {
                    qd += data.hessian()[a * D + b] * d[b];
                }
                total += 0.5 * d[a] * qd;
            }
        }
        return total / n;
    }

    @Test
    void hessianHasTheDeepObsSpectrum() throws Exception {
        double trace = 0;
        double eigenSum = 0;
        for (int i = 0; i < D; i++) {
            trace += data.hessian()[i * D + i];
            eigenSum += data.eigenvalues()[i];
            for (int j = 0; j < D; j++) {
                assertEquals(data.hessian()[i * D + j], data.hessian()[j * D + i], 1e-4, "symmetry at " + i + "," + j);
            }
        }
        assertEquals(eigenSum, trace, 1e-3);
        long large = java.util.Arrays.stream(data.eigenvalues()).filter(l -> l >= 30 && l < 60).count();
        long small = java.util.Arrays.stream(data.eigenvalues()).filter(l -> l >= 0 && l < 1).count();
        assertEquals(10, large);
        assertEquals(90, small);
    }

    @Test
    void evaluationIsTheTestLossAndSgdApproachesItsMinimum() throws Exception {
        double[] ones = new double[D];
        java.util.Arrays.fill(ones, 1);
        double[] trainMean = new double[D];
        for (int i = 0; i < DeepQuadratic.POINTS; i++) {
            for (int k = 0; k < D; k++) {
                trainMean[k] += data.train()[i * D + k] / (double) DeepQuadratic.POINTS;
            }
        }
        double start = loss(ones, data.test());
        double atTrainOptimum = loss(trainMean, data.test());
        Task task = TaskRegistry.standard().get("quadratic-deep");
        assertEquals(1.01 * atTrainOptimum, task.target().threshold(), 0.01, "target: 1% above the closed-form optimum");
        try (TrainingProblem p = task.instantiate(be, null, 0)) {
            assertEquals(start, p.evaluate().loss(), 1e-4 * start);
            assertEquals(7, p.stepsPerEpoch(), "1000 points in batches of 128, remainder dropped");
            double lr = 0.02; // below 2 / lambda_max (lambda_max < 60)
            Sgd.train(p, lr, 50);
            double after50 = p.evaluate().loss();
            Sgd.train(p, lr, 250);
            double after300 = p.evaluate().loss();
            assertTrue(after50 < start && after300 < after50, start + " -> " + after50 + " -> " + after300);
            assertTrue(after300 - atTrainOptimum < 0.05 * (start - atTrainOptimum),
                    "after 300 steps " + after300 + ", optimum of the training objective " + atTrainOptimum
                            + ", start " + start);
        }
    }
}
