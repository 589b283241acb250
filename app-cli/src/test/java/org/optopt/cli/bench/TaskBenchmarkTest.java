package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;

class TaskBenchmarkTest {
    @Test
    void flopPerExampleOfTheMnistMlpIsTheIssuesCount() {
        assertEquals(409_088, TaskBenchmark.flopPerExample(List.of(new int[] {128, 784}, new int[] {10, 128})));
    }

    @Test
    void benchTaskPrintsThroughputAndRooflineAsJson() {
        Run r = MainTest.run("--backend", "reference", "bench", "task", "--task", "teacher-student-mlp", "--batch-size", "16",
                "--steps", "5", "--json");
        assertEquals(0, r.exitCode(), r.err());
        String json = r.out().strip();
        for (String key : List.of("task", "threads", "examples_per_s", "roofline_examples_per_s")) {
            assertTrue(json.contains("\"" + key + "\": "), key + " missing in " + json);
        }
        assertTrue(json.contains("\"task\": \"teacher-student-mlp\""), json);
    }

    @Test
    void tasksWithoutWeightMatricesAreRefused() {
        Run r = MainTest.run("--backend", "reference", "bench", "task", "--task", "rosenbrock", "--steps", "2");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("Task rosenbrock has no weight matrices"), r.err());
    }
}
