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

/** GAP optimizers from the command line: list-valued settings, the choice in steps.csv, refused lists. */
class GapRunTest {

    @Test
    void aGapRunRecordsTheChosenMomentumAndTheSwitchesOfEveryStep(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer",
                "gap-sgdm(0.05, momenta=[0.0,0.9])", "--set", "mode=switch", "--steps", "15", "--evaluations", "1",
                "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path dir;
        try (Stream<Path> s = Files.list(runs)) {
            dir = s.findFirst().orElseThrow();
        }
        List<String> steps = Files.readAllLines(dir.resolve("steps.csv"));
        assertEquals(16, steps.size());
        assertTrue(steps.get(0).endsWith(",momentum,switches"), steps.get(0));
        // Step 1: every buffer equals g, so the smallest candidate scores highest.
        assertTrue(steps.get(1).endsWith(",0.00000000,0.00000000"), steps.get(1));
        assertTrue(steps.stream().skip(1).allMatch(l -> l.matches(".*,(0\\.0+|0\\.90+),\\d+\\.0+")), steps.toString());
    }

    @Test
    void badCandidateListsAreOneLineErrorsAndCreateNoRunDirectory(@TempDir Path runs) {
        for (String[] bad : List.of(new String[] {"momenta=0.9,0.5", "strictly ascending, but 0.5 follows 0.9"},
                new String[] {"momenta=0.5,0.5", "0.5 is repeated"},
                new String[] {"momenta=[]", "needs at least one candidate"},
                new String[] {"momenta=0.5,1", "candidate 1.0 must satisfy 0 <= candidate < 1"},
                new String[] {"momenta=", "Invalid setting \"momenta=\" at column 9: expected a value but found end of input"},
                new String[] {"momenta=0.5,fast", "Invalid setting \"momenta=0.5,fast\" at column 13: expected a number but found 'f'"})) {
            Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "gap-sgdm",
                    "--set", bad[0], "--steps", "3", "--runs-dir", runs.toString());
            assertTrue(r.exitCode() != 0, bad[0]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(bad[1]), bad[0] + ": " + r.err());
        }
        assertEquals(0, runs.toFile().list().length, "no run directory for rejected input");
    }
}
