package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.testsupport.SharedFiles;
import org.optopt.testsupport.IntegrationTest;

/** The data-backed tasks on the shared files: wiring, shapes, and short training runs. */
@IntegrationTest
class SharedDataTasksTest {
    @TempDir
    Path temp;
    private final Backend be = new ReferenceBackend();

    private ResolverDataSource source(String task) {
        SharedFiles shared = SharedFiles.configured();
        ResolverDataSource s = ResolverDataSource.of(temp, shared.root(), false);
        for (DataRequirement r : TaskRegistry.standard().get(task).dataRequirements()) {
            assumeTrue(s.isAvailable(r), () -> shared.skipMessage("data/ files of " + r));
        }
        return s;
    }

    @Test
    void logisticRegressionOnA9aAndW8aBeatsTheMajorityClass() throws Exception {
        try (TrainingProblem p = TaskRegistry.standard().get("logreg-a9a").instantiate(be, source("logreg-a9a"), 0)) {
            assertEquals(255, p.stepsPerEpoch(), "ceil(32561 / 128)");
            Sgd.train(p, 0.5, p.stepsPerEpoch());
            double accuracy = p.evaluate().accuracy();
            // 12435 of the 16281 test rows are negative: the majority class alone scores 76.4%
            assertTrue(accuracy > 0.82, "a9a test accuracy after one epoch " + accuracy);
        }
        try (TrainingProblem p = TaskRegistry.standard().get("logreg-w8a").instantiate(be, source("logreg-w8a"), 0)) {
            assertEquals(311, p.stepsPerEpoch(), "ceil(0.8 * 49749 / 128)");
            Sgd.train(p, 2.0, p.stepsPerEpoch());
            Evaluation e = p.evaluate();
            // 96.96% of the held-out rows are negative; predicting that rate for every row costs
            // -(0.9696 ln 0.9696 + 0.0304 ln 0.0304) = 0.136 nats
            assertTrue(e.accuracy() > 0.975 && e.loss() < 0.08, "w8a held-out after one epoch: " + e);
        }
    }

    @Test
    void fashionMnistConvNetStartsNearChanceAndDescends() throws Exception {
        try (TrainingProblem p = TaskRegistry.standard().get("fmnist-2c2d")
                .instantiate(be, source("fmnist-2c2d"), 0, 4)) {
            assertEquals(15000, p.stepsPerEpoch());
            p.nextBatch();
            double first = p.lossAndGradient();
            assertEquals(Math.log(10), first, 0.5, "untrained loss near ln 10");
            for (Parameter q : p.parameters().parameters()) {
                be.axpyInPlace(-0.05f, q.gradient(), q.value());
            }
            assertTrue(p.lossAndGradient() < first, "one SGD step lowers the loss on the same batch");
        }
    }

    @Test
    void charRnnUsesTheShakespeareVocabulary() throws Exception {
        try (TrainingProblem p = TaskRegistry.standard().get("char-rnn-shakespeare")
                .instantiate(be, source("char-rnn-shakespeare"), 0, 2)) {
            assertEquals(Shape.matrix(65, 128), p.parameters().parameters().get(0).value().shape(),
                    "65 distinct characters (shared/data/README.md)");
            p.nextBatch();
            double first = p.lossAndGradient();
            assertEquals(Math.log(65), first, 0.5);
            for (Parameter q : p.parameters().parameters()) {
                be.axpyInPlace(-0.5f, q.gradient(), q.value());
            }
            assertTrue(p.lossAndGradient() < first, "one SGD step lowers the loss on the same batch");
        }
    }
}
