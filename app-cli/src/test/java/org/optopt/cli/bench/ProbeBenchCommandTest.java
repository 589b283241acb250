package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.cli.MainTest;
import org.optopt.optimizers.golden.Json;

/**
 * {@code optopt bench probes} reports every probe's time and its ratios, the fusible probes in one
 * pass and fused into Adam (no timing is asserted), and that the fused Adam on the default backend
 * (compiled kernels) stayed bit-identical to the plain one over the run.
 */
class ProbeBenchCommandTest {
    @Test
    void reportsEveryProbeWithRatios() {
        MainTest.Run r = MainTest.run("bench", "probes", "--task", "teacher-student-mlp", "--batch-size", "8", "--steps", "3",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(Boolean.TRUE, m.get("fused_bit_identical"), m.toString());
        for (String p : new String[] {"second-moment", "autocorrelation", "kronecker", "second-moment+autocorrelation_one_pass",
            "second-moment+autocorrelation_fused"}) {
            double ms = (Double) m.get(p + "_ms");
            double perAdam = (Double) m.get(p + "_per_adam_step");
            assertTrue(ms >= 0, m.toString());
            assertEquals(ms / (Double) m.get("adam_step_ms"), perAdam, 1e-4 * Math.max(1, perAdam)); // printed to 6 digits
        }
    }

    /**
     * The bytes per parameter counted by hand: Adam reads p, g, m, v and writes p, m, v, and its check
     * reads g (32); the second moment reads g, v and writes v (12); the autocorrelation with 4 lags
     * reads g and 4 lags and writes the oldest lag (24); one pass of both reads g once (32). In blocks
     * of 4 observations (--lag-block 4) the autocorrelation copies g into the ring three times (read g,
     * write a slot: 8) and then reads g and the ring's 7 slots and writes the oldest (36): 15 per
     * observation over 8 timed steps (any 8 consecutive observations hold six copies and two folds);
     * one pass of both: (6 x 16 + 2 x 44) / 8 = 23.
     */
    @ParameterizedTest(name = "lag block {0}")
    @CsvSource({"1, 24, 32", "4, 15, 23"})
    void boundsMoveEachPassBytesAtAdamsRate(int lagBlock, double autocorrelation, double onePass) {
        MainTest.Run r = MainTest.run("bench", "probes", "--task", "teacher-student-mlp", "--batch-size", "8", "--steps", "8",
                "--probes", "second-moment,autocorrelation", "--lag-block", String.valueOf(lagBlock), "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(32.0, ((Number) m.get("adam_bytes_per_parameter")).doubleValue());
        Map<String, Double> bytes = Map.of("second-moment", 12.0, "autocorrelation", autocorrelation,
                "second-moment+autocorrelation_one_pass", onePass);
        double adam = (Double) m.get("adam_step_ms");
        bytes.forEach((row, b) -> {
            assertEquals(b, ((Number) m.get(row + "_bytes_per_parameter")).doubleValue(), row);
            assertEquals(adam * b / 32, (Double) m.get(row + "_bound_ms"), 1e-5 * adam, row);
        });
        assertTrue(!m.containsKey("second-moment_fused_bytes_per_parameter"), m.toString());
    }

    /**
     * The cost in training of each probe: whole steps of twin task instances, one round of one block
     * per twin for so few steps, so the cost is exactly the ratio of the two blocks' mean steps minus one.
     */
    @Test
    void reportsEachProbesCostInWholeTrainingSteps() {
        MainTest.Run r = MainTest.run("bench", "probes", "--task", "teacher-student-mlp", "--batch-size", "8", "--steps", "3",
                "--probes", "second-moment,autocorrelation", "--period", "4", "--burst", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out().strip());
        for (String p : new String[] {"second-moment", "autocorrelation"}) {
            double probed = (Double) m.get(p + "_in_training_step_ms");
            double plain = (Double) m.get(p + "_in_training_plain_step_ms");
            assertTrue(probed > 0 && plain > 0, m.toString());
            assertEquals(probed / plain - 1, (Double) m.get(p + "_in_training_cost"), 1e-4, p);
        }
        assertTrue(!m.containsKey("kronecker_in_training_cost"), "only the probes asked for: " + m);
    }

    @Test
    void aLagBlockBelowOneIsAUsageError() {
        MainTest.Run r = MainTest.run("bench", "probes", "--task", "teacher-student-mlp", "--steps", "1", "--lag-block", "0");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--lag-block must be at least 1, got 0"), r.err());
    }
}
