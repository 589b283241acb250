package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;

/**
 * SafeRate through {@code optopt run}: monotone descent on the full-batch tasks (the logistic
 * loss bounded by the softplus enclosure, ridge-toy's quadratic with its batch the whole data set),
 * and a one-line refusal of a mini-batch task.
 */
class SafeRateRunTest {

    /** The training losses of the run's {@code steps.csv} (column {@code loss}). */
    private static List<Double> losses(Path runs) throws IOException {
        Path dir;
        try (Stream<Path> s = Files.list(runs)) {
            dir = s.findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(dir.resolve("steps.csv"));
        assertTrue(lines.get(0).startsWith("step,seconds,loss,lr,eta,eta_max"), lines.get(0));
        return lines.stream().skip(1).map(l -> Double.parseDouble(l.split(",")[2])).toList();
    }

    /** Non-increasing up to float32 rounding of the parameters (the bound is exact arithmetic on them). */
    private static void assertMonotone(List<Double> losses) {
        for (int t = 1; t < losses.size(); t++) {
            assertTrue(losses.get(t) <= losses.get(t - 1) * (1 + 1e-6), "loss rose at step " + (t + 1) + ": " + losses);
        }
        assertTrue(losses.get(losses.size() - 1) < 0.9 * losses.get(0), losses.toString());
    }

    @Test
    void descendsMonotonicallyOnTheFullBatchLogisticTaskAndReachesItsTarget(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "logreg-synthetic", "--optimizer", "saferate",
                "--steps", "60", "--evaluations", "2", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("target test loss <= 0.485 reached"), r.out());
        assertMonotone(losses(runs));
    }

    @Test
    void descendsMonotonicallyOnFullBatchRidgeRegression(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "ridge-toy", "--optimizer", "saferate",
                "--batch-size", "2000", "--steps", "30", "--evaluations", "1", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertMonotone(losses(runs));
    }

    @Test
    void refusesAMiniBatchTaskInOneLine(@TempDir Path runs) {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "ridge-toy", "--optimizer", "saferate",
                "--steps", "5", "--runs-dir", runs.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("saferate is for full-batch problems: the loss is a mini-batch estimate (batch 10, "
                + "200 batches per epoch)"), r.err());
    }
}
