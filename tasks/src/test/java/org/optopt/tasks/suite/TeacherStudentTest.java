package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;

class TeacherStudentTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void studentLearnsTheTeacher() throws Exception {
        try (TrainingProblem p = TaskRegistry.standard().get("teacher-student-mlp").instantiate(be, null, 0)) {
            assertTrue(p.evaluate().hasAccuracy() == false);
            double start = p.evaluate().loss();
            Sgd.train(p, 0.1, 10 * p.stepsPerEpoch());
            double end = p.evaluate().loss();
            assertTrue(end < 0.1 * start, "test MSE " + start + " -> " + end);
        }
    }
}
