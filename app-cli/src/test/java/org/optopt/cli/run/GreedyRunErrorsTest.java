package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;

/**
 * Issue 19's bad input for {@code greedy} and {@code adagrad-full} from the command line (the
 * candidate lists of the GAP optimizers: {@link GapRunTest}): each is one line on stderr naming the
 * value, with exit code 2 for a bad setting and 1 for a model the optimizer refuses, and no run
 * directory is left behind.
 */
class GreedyRunErrorsTest {

    private static Run run(Path runs, String optimizer, String... settings) {
        List<String> args = new java.util.ArrayList<>(List.of("--backend", "reference", "run", "--task",
                "teacher-student-mlp", "--optimizer", optimizer, "--steps", "3", "--runs-dir", runs.toString()));
        for (String s : settings) {
            args.addAll(List.of("--set", s));
        }
        return MainTest.run(args.toArray(String[]::new));
    }

    private static void assertOneLine(Run r, int code, String message) {
        assertEquals(code, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void badGreedySettingsAndTooLargeLayersAreOneLineErrors(@TempDir Path runs) {
        assertOneLine(run(runs, "greedy", "redesign_every=0"), 2, "redesign_every = 0.0: must satisfy redesign_every integer >= 1");
        assertOneLine(run(runs, "greedy", "redesign_every=-3"), 2, "redesign_every = -3.0");
        assertOneLine(run(runs, "greedy(redesign_every=0)"), 2, "redesign_every = 0.0");
        assertOneLine(run(runs, "greedy", "budget=spectral"), 2,
                "budget = spectral: must be one of [update-rms, metric, update-second-moment, kronecker]");
        assertOneLine(run(runs, "greedy", "step_size=curvature"), 2,
                "step_size = curvature needs budget = metric (eta* assumes Q = I), got budget = update-rms");
        assertOneLine(run(runs, "adagrad-full(max_elements=4)"), 1,
                "parameter fc1.weight has 320 elements, above max_elements = 4");
        assertEquals(0, runs.toFile().list().length, "no run directory for rejected input");
    }
}
