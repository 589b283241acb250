package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;

/** The labelled-data path (batches, cross-entropy, accuracy) on synthetic separable data. */
class ClassificationTaskTest {
    private final Backend be = new ReferenceBackend();

    /** Two Gaussian blobs in 123-d at +-mu on the first coordinate; labels 0/1. */
    private static Examples blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n * 123];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(2);
            for (int k = 0; k < 123; k++) {
                f[i * 123 + k] = (float) (0.3 * r.nextGaussian());
            }
            f[i * 123] += labels[i] == 1 ? 1f : -1f;
        }
        return new Examples(f, 123, labels, 2);
    }

    @Test
    void logisticRegressionLearnsSeparableBlobs() throws Exception {
        FakeDataSource data = new FakeDataSource(Map.of("a9a", new Examples[] {blobs(2000, 1), blobs(500, 2)}), Map.of());
        try (TrainingProblem p = TaskRegistry.standard().get("logreg-a9a").instantiate(be, data, 5)) {
            assertEquals(16, p.stepsPerEpoch());
            Evaluation start = p.evaluate();
            assertEquals(Math.log(2), start.loss(), 0.25);
            Sgd.train(p, 0.5, 3 * p.stepsPerEpoch());
            Evaluation end = p.evaluate();
            assertTrue(end.accuracy() > 0.99, "accuracy " + end.accuracy());
            assertTrue(end.loss() < 0.1, "loss " + end.loss());
        }
    }

    @Test
    void evaluationOverSeveralChunksEqualsTheHostFormula() throws Exception {
        Examples test = blobs(2500, 4);
        FakeDataSource data = new FakeDataSource(Map.of("a9a", new Examples[] {blobs(300, 3), test}), Map.of());
        try (TrainingProblem p = TaskRegistry.standard().get("logreg-a9a").instantiate(be, data, 6)) {
            Sgd.train(p, 0.05, 3);
            float[] w = p.parameters().parameters().get(0).value().toArray();
            float[] b = p.parameters().parameters().get(1).value().toArray();
            double loss = 0;
            int correct = 0;
            for (int i = 0; i < test.rows(); i++) {
                double[] z = new double[2];
                for (int c = 0; c < 2; c++) {
                    z[c] = b[c];
                    for (int k = 0; k < 123; k++) {
                        z[c] += (double) w[c * 123 + k] * test.features()[i * 123 + k];
                    }
                }
                double lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]));
                loss += lse - z[test.labels()[i]];
                correct += (z[1] > z[0] ? 1 : 0) == test.labels()[i] ? 1 : 0;
            }
            Evaluation e = p.evaluate();
            assertEquals(loss / test.rows(), e.loss(), 1e-5);
            assertEquals(correct / (double) test.rows(), e.accuracy(), 1e-12);
        }
    }

    @Test
    void w8aIsSplitEightyTwentyWithAFixedSeed() {
        Examples all = blobs(1000, 3);
        Examples[] parts = StandardTasks.split(all, 0.8, StandardTasks.W8A_SPLIT_SEED);
        assertEquals(800, parts[0].rows());
        assertEquals(200, parts[1].rows());
        Examples[] again = StandardTasks.split(all, 0.8, StandardTasks.W8A_SPLIT_SEED);
        org.junit.jupiter.api.Assertions.assertArrayEquals(parts[1].labels(), again[1].labels());
        int ones = 0;
        for (Examples e : parts) {
            for (int l : e.labels()) {
                ones += l;
            }
        }
        int total = 0;
        for (int l : all.labels()) {
            total += l;
        }
        assertEquals(total, ones, "the split is a partition");
    }
}
