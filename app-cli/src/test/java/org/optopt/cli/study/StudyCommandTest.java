package org.optopt.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;

/** {@code optopt study run} and {@code status} in-process on the reference backend. */
public class StudyCommandTest {
    /** Writes a small study of rosenbrock (sgd over two learning rates, adam; two seeds) into {@code dir}. */
    public static Path writeStudy(Path dir) throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, """
                name: small
                tasks: rosenbrock
                optimizers:
                  - spec: sgd
                    grid: {lr: [0.0001, 0.001]}
                  - adam
                seeds: 2
                budget: {steps: 30}
                evaluations: 3
                output: %s
                """.formatted(dir.resolve("out")));
        return f;
    }

    private static long runDirectories(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.resolve("trials"))) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    void aStudyRunsEachTrialOnceAndReportsItsProgress(@TempDir Path dir) throws IOException {
        Path f = writeStudy(dir);
        Path out = dir.resolve("out");
        Run one = MainTest.run("--backend", "reference", "study", "run", f.toString(), "--trial-index", "2");
        assertEquals(0, one.exitCode(), one.err());
        assertEquals(1, runDirectories(out));
        assertTrue(one.out().contains("6 trials: 5 pending, 0 running, 1 done, 0 failed, 0 interrupted"), one.out());

        Run all = MainTest.run("--backend", "reference", "study", "run", f.toString());
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("5 trial(s) run"), all.out());
        assertEquals(6, runDirectories(out));
        Path trial = Files.list(out.resolve("trials")).filter(Files::isDirectory).findFirst().orElseThrow();
        FileTime before = Files.getLastModifiedTime(trial.resolve("steps.csv"));

        Run again = MainTest.run("--backend", "reference", "study", "run", f.toString());
        assertTrue(again.out().contains("0 trial(s) run, 0 resumed"), again.out());
        assertEquals(before, Files.getLastModifiedTime(trial.resolve("steps.csv")), "a finished trial is never rerun");
        assertTrue(Files.readString(out.resolve("study.yaml")).contains("backend: \"reference\""));

        Run status = MainTest.run("study", "status", out.toString(), "--list");
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("6 trials: 0 pending, 0 running, 6 done"), status.out());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("\\s*3\\s+done\\s+rosenbrock-sgd-s1-[0-9a-f]{16} .*")),
                status.out());
    }

    @Test
    void anInterruptedTrialIsResumedAndABadSettingIsRefusedUpFront(@TempDir Path dir) throws IOException {
        Path f = writeStudy(dir);
        assertEquals(0, MainTest.run("--backend", "reference", "study", "run", f.toString(), "--trial-index", "0")
                .exitCode());
        Path trial = Files.list(dir.resolve("out/trials")).filter(Files::isDirectory).findFirst().orElseThrow();
        Files.writeString(trial.resolve("STATUS"), "running\n"); // as a killed worker leaves it
        Run resumed = MainTest.run("--backend", "reference", "study", "run", f.toString(), "--trial-index", "0");
        assertTrue(resumed.out().contains("0 trial(s) run, 1 resumed"), resumed.out() + resumed.err());
        assertEquals("complete", Files.readString(trial.resolve("STATUS")).strip());

        Run bad = MainTest.run("--backend", "reference", "study", "run", f.toString(), "--set",
                "study.optimizers[1]={spec: adam, grid: {lrr: [1]}}");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().startsWith("optopt: error: optimizers[1] (adam(lrr=1)): Invalid setting \"lrr=1\" at column 1:"
                + " adam has no hyperparameter or option 'lrr'"),
                bad.err());
    }
}
