package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;

class TaskBenchmarkTest {
    @Test
    void benchTaskPrintsThroughputAndRooflineAsJson() {
        Run r = MainTest.run("--backend", "reference", "bench", "task", "--task", "teacher-student-mlp", "--batch-size", "16",
                "--steps", "5", "--json");
        assertEquals(0, r.exitCode(), r.err());
        String json = r.out().strip();
        // teacher-student-mlp is 10-32-1 with biases: forward 2*10*32 + 32 + 2*32*1 + 1 = 737,
        // backward 672 + (65 + 64) = 801
        assertTrue(json.contains("\"flop_per_example\": 1538"), json);
        assertTrue(json.contains("\"batch_size\": 16"), json);
        for (String key : List.of("task", "threads", "step_ms", "mean_step_ms", "p90_step_ms", "steps_per_s",
                "cpu_ms_per_step", "examples_per_s",
                "roofline_examples_per_s")) {
            assertTrue(json.contains("\"" + key + "\": "), key + " missing in " + json);
        }
        assertTrue(json.contains("\"task\": \"teacher-student-mlp\""), json);
    }

    @Test
    void threadsSplitTheStepAndAreReported() {
        Run r = MainTest.run("--backend", "reference", "bench", "task", "--task", "teacher-student-mlp", "--threads", "2",
                "--steps", "3", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"threads\": 2, "), r.out());
        Run zero = MainTest.run("--backend", "reference", "bench", "task", "--threads", "0");
        assertEquals(2, zero.exitCode(), zero.err());
        assertTrue(zero.err().contains("--threads must be at least 1, got 0"), zero.err());
    }

    @Test
    void theTasksOwnBatchSizeIsTheDefault() {
        Run r = MainTest.run("--backend", "reference", "bench", "task", "--task", "teacher-student-mlp", "--steps", "2",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"batch_size\": 32"), r.out());
    }

    @Test
    void tasksWithoutAFlopModelAreRefused() {
        Run r = MainTest.run("--backend", "reference", "bench", "task", "--task", "rosenbrock", "--steps", "2");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("Task rosenbrock has no FLOP model"), r.err());
    }
}
