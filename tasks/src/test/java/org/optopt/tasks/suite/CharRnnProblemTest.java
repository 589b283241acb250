package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;

class CharRnnProblemTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void learnsAPeriodicText() {
        String text = "the quick brown fox. ".repeat(60);
        try (TrainingProblem p = new CharRnnProblem(be, text, 8, 10, 8, 24, 1, 1, 2)) {
            Evaluation start = p.evaluate();
            assertEquals(Math.log(15), start.loss(), 0.3, "an untrained model is near uniform over 15 characters");
            Sgd.train(p, 1.0, 300);
            Evaluation end = p.evaluate();
            assertTrue(end.loss() < 0.5 * start.loss() && end.accuracy() > 0.6,
                    "test loss " + start.loss() + " -> " + end.loss() + ", accuracy " + end.accuracy());
        }
    }
}
