package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** The greedy optimizer from the command line: its decisions in decisions.csv, out of steps.csv; bad input. */
class GreedyRunTest {

    private static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void everyRedesignIsARowOfDecisionsCsv(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "greedy",
                "--set", "redesign_every=4", "--steps", "13", "--evaluations", "1", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path dir = onlyRun(runs);
        List<String> decisions = Files.readAllLines(dir.resolve("decisions.csv"));
        assertEquals("step,seconds,decision,value,lr,momentum,skipped", decisions.get(0));
        assertEquals(List.of("4", "8", "12"), decisions.stream().skip(1).map(l -> l.split(",")[0]).toList());
        assertTrue(decisions.stream().skip(1).allMatch(l -> l.split(",")[2].equals("update-rms")
                && l.endsWith(",0.00000000")), decisions.toString());
        List<String> steps = Files.readAllLines(dir.resolve("steps.csv"));
        assertEquals(14, steps.size());
        assertFalse(steps.get(0).contains("decision"), steps.get(0));
        assertTrue(steps.get(0).contains("designed_lr,designed_momentum"), steps.get(0));
    }

    @Test
    void badSettingsAreOneLineErrors(@TempDir Path runs) {
        for (String[] bad : List.of(new String[] {"redesign_every=0", "redesign_every"},
                new String[] {"budget=spectral", "must be one of [update-rms, metric, update-second-moment, kronecker]"})) {
            Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "greedy",
                    "--set", bad[0], "--steps", "3", "--runs-dir", runs.toString());
            assertTrue(r.exitCode() != 0, bad[0]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(bad[1]), bad[0] + ": " + r.err());
        }
    }
}
