package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.testsupport.SharedFiles;
import org.optopt.testsupport.IntegrationTest;

/**
 * Paper B (arXiv 1909.13371 v1), Table 1: the MNIST MLP 784-128-10 (tanh) trained one epoch by
 * SGD(0.01) at batch 300 reached 77.48% test accuracy; gdtuo at batch 256, seed 0, gave 79.5%
 * (docs PLATFORM.md). Run seed here: 0, which gives 76.05% on the reference backend; seeds 1, 2, 3
 * gave 78.45%, 76.98%, 78.26% (mean of the four 77.4%).
 */
@IntegrationTest
class MnistMlpTest {
    @TempDir
    Path temp;

    @Test
    void oneEpochOfSgdMatchesPaperB() throws Exception {
        SharedFiles shared = SharedFiles.configured();
        shared.data("mnist/train-images-idx3-ubyte.gz");
        Task task = TaskRegistry.standard().get("mnist-mlp");
        try (TrainingProblem p = task.instantiate(new ReferenceBackend(), ResolverDataSource.of(temp, shared.root(), false), 0, 300)) {
            Evaluation before = p.evaluate();
            Sgd.train(p, 0.01, p.stepsPerEpoch());
            Evaluation after = p.evaluate();
            assertTrue(after.accuracy() >= 0.75 && after.accuracy() <= 0.82,
                    "test accuracy after one epoch of SGD(0.01): " + after.accuracy() + " (before: "
                            + before.accuracy() + "); paper B reports 77.48%");
            assertTrue(after.loss() < before.loss());
        }
    }
}
