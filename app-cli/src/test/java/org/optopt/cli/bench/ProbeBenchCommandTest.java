package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.cli.MainTest;
import org.optopt.optimizers.golden.Json;

/** {@code optopt bench probes} reports every probe's time and its ratios (no timing is asserted). */
class ProbeBenchCommandTest {
    @Test
    void reportsEveryProbeWithRatios() {
        MainTest.Run r = MainTest.run("bench", "probes", "--task", "teacher-student-mlp", "--batch-size", "8", "--steps", "3",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out().strip());
        for (String p : new String[] {"second-moment", "autocorrelation", "kronecker"}) {
            double ms = (Double) m.get(p + "_ms");
            double perAdam = (Double) m.get(p + "_per_adam_step");
            assertTrue(ms >= 0, m.toString());
            assertEquals(ms / (Double) m.get("adam_step_ms"), perAdam, 1e-4 * Math.max(1, perAdam)); // printed to 6 digits
        }
    }
}
