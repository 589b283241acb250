package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * End to end: Adam training {@code teacher-student-mlp} on the device gives the reference backend's
 * losses (the kernel interpreter and plain-Java primitives on the host) within float rounding, and
 * after the first steps a training step compiles nothing: every step's new activation tensors run on
 * the kernels compiled in the first steps. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoTrainingTest extends DeviceUnderTest {
    private static final int STEPS = 20;
    private static final int WARM_UP = 5;

    @Test
    void adamOnTeacherStudentMatchesTheReferenceAndStopsCompiling() throws Exception {
        long[] compilations = new long[STEPS];
        List<Double> device = train(backend, compilations);
        List<Double> reference = train(new ReferenceBackend(), null);
        for (int s = 0; s < STEPS; s++) {
            assertEquals(reference.get(s), device.get(s), 1e-5 * Math.abs(reference.get(s)), "loss of step " + (s + 1));
        }
        assertEquals(compilations[WARM_UP - 1], compilations[STEPS - 1],
                "compilations after step " + WARM_UP + " (the steps' new tensors reuse compiled kernels)");
    }

    /** The losses of {@value #STEPS} Adam steps; each step's compilation count so far into {@code compilations}. */
    private static List<Double> train(Backend b, long[] compilations) throws Exception {
        List<Double> losses = new ArrayList<>();
        try (TrainingProblem p = TaskRegistry.standard().get("teacher-student-mlp").instantiate(b, null, 0);
                Optimizer adam = Optimizers.discover().provider("adam").create(b, p.parameters(), Map.of("lr", 0.001))) {
            for (int s = 0; s < STEPS; s++) {
                p.nextBatch();
                losses.add(p.lossAndGradient());
                adam.step();
                if (compilations != null) {
                    compilations[s] = ((DeviceCompilations) b).compilations();
                }
            }
        }
        return losses;
    }
}
