package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest.Run;

/**
 * Every usage error and failure of {@code run} and {@code compare}: its exit code (2 for a usage
 * error, 1 for a failure), its one line on stderr, and that it leaves no run directory behind.
 */
class CliErrorsTest {
    @TempDir
    Path tmp;

    /** Runs {@code run} on rosenbrock (or {@code compare}) with {@code extra} and the temporary runs directory. */
    private Run train(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of("--backend", "reference", command, "--task", "rosenbrock"));
        if (command.equals("run")) {
            args.addAll(List.of("--optimizer", "sgd"));
        }
        args.addAll(List.of(extra));
        if (!args.contains("--runs-dir")) {
            args.addAll(List.of("--runs-dir", tmp.resolve("runs").toString()));
        }
        return MainTest.run(args.toArray(String[]::new));
    }

    private void assertUsageError(Run r, String message, String command) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(List.of("optopt: error: " + message + " (see 'optopt " + command + " --help')"),
                r.err().lines().toList());
        assertFalse(Files.exists(tmp.resolve("runs")), "a rejected command creates no run directory");
    }

    @Test
    void invalidCountsAreUsageErrorsNamingTheOptionAndValue() {
        assertUsageError(train("run", "--batch-size", "0"), "--batch-size must be at least 1, got 0", "run");
        assertUsageError(train("run", "--batch-size", "-5"), "--batch-size must be at least 1, got -5", "run");
        assertUsageError(train("run", "--evaluations", "-1"), "--evaluations must be at least 1, got -1", "run");
        assertUsageError(train("run", "--steps", "-5"), "--steps must be at least 1, got -5", "run");
        assertUsageError(train("run", "--epochs", "0"), "--epochs must be at least 1, got 0", "run");
        assertUsageError(train("run", "--probes", "autocorrelation", "--probe-lag-block", "0"),
                "--probe-lag-block must be at least 1, got 0", "run");
        assertUsageError(train("compare", "--optimizers", "sgd", "--seeds", "0"), "--seeds must be at least 1, got 0",
                "compare");
        assertUsageError(train("compare", "--batch-size", "0"), "--batch-size must be at least 1, got 0", "compare");
        assertUsageError(train("run", "--steps", "5", "--epochs", "1"), "--steps and --epochs exclude each other; give one",
                "run");
    }

    @Test
    void aDataDirectoryGivenExplicitlyMustExist() {
        Path missing = tmp.resolve("no-such-data");
        assertUsageError(train("run", "--data-dir", missing.toString()), "--data-dir " + missing + " does not exist", "run");
        Run tasks = MainTest.run("tasks", "--data-dir", missing.toString());
        assertEquals(2, tasks.exitCode(), tasks.err());
        assertTrue(tasks.err().contains("--data-dir " + missing + " does not exist"), tasks.err());
    }

    @Test
    void runAndCompareGiveTheSameOneLineErrorWithTheColumnForTheSameSpec() {
        for (String[] bad : List.of(new String[] {"adam(lr=1e-3, beta1=1.5)/sgd(1e-5)",
                        "Invalid optimizer \"adam(lr=1e-3, beta1=1.5)/sgd(1e-5)\" at column 15: Invalid beta1 = 1.5: must satisfy"
                                + " 0 <= beta1 < 1"},
                new String[] {"sgd(schedule.lr=cosine(steps=x))", "Invalid optimizer \"sgd(schedule.lr=cosine(steps=x))\" at"
                        + " column 30: expected a number but found 'x'"},
                new String[] {"adam/sgd(1e-5, learn=lr)", "Invalid optimizer \"adam/sgd(1e-5, learn=lr)\" at column 16: level 1 (sgd)"
                        + " is the rightmost level: nothing learns its lr; drop learn= or add a level"})) {
            assertUsageError(MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", bad[0],
                    "--runs-dir", tmp.resolve("runs").toString()), bad[1], "run");
            assertUsageError(train("compare", "--optimizers", bad[0]), bad[1], "compare");
        }
        assertUsageError(MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "adam/sgd(1e-5)",
                "--set", "level1.schedule.lr=cosin(10)", "--runs-dir", tmp.resolve("runs").toString()),
                "Invalid setting \"level1.schedule.lr=cosin(10)\" at column 20: unknown schedule 'cosin'; known schedules:"
                        + " constant, step, exponential, cosine, cosine_restarts, warmup, polynomial, onecycle", "run");
        assertUsageError(train("compare", "--optimizers", "sgd,adam", "--set", "level1.lr=1"),
                "Invalid setting \"level1.lr=1\" at column 1: sgd(lr=0.001) is a single optimizer, it has no level 1"
                        .replace("sgd(lr=0.001)", "sgd"), "compare");
    }

    @Test
    void unknownHyperparametersOptimizersAndTasksAreUsageErrors() {
        Run r = train("run", "--set", "lrr=0.1");
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("optopt: error: Invalid setting \"lrr=0.1\" at column 1: sgd has no hyperparameter"
                + " or option 'lrr'; it has lr, "), r.err());
        Run compare = train("compare", "--optimizers", "adam,sgd(lrr=1)");
        assertEquals(2, compare.exitCode(), compare.err());
        assertTrue(compare.err().startsWith("optopt: error: Invalid optimizer \"sgd(lrr=1)\" at column 5: sgd has no"
                + " hyperparameter or option 'lrr'; it has lr, "), compare.err());
        assertFalse(Files.exists(tmp.resolve("runs")), "the comparison is checked before any run starts");
    }

    @Test
    void aRepeatedOptionIsNamedInOurWords() {
        assertUsageError(train("run", "--steps", "5", "--steps", "6"), "option --steps was given more than once; give it once",
                "run");
    }

    @Test
    void anUnknownOptionIsReportedBeforeAMissingOne() {
        Run r = MainTest.run("run", "--tsk", "x");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("optopt: error: Unknown options: '--tsk', 'x'"), r.err());
        Run missing = MainTest.run("run", "--task", "rosenbrock");
        assertEquals(List.of("optopt: error: Missing required option: '--optimizer=OPT' (see 'optopt run --help')"),
                missing.err().lines().toList());
    }

    @Test
    void missingDataFailsWithoutARunDirectory() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("data"));
        // The shared folder, where the tests find data sets, must not have it either.
        String shared = System.getProperty("optopt.shared");
        Run r;
        try {
            System.setProperty("optopt.shared", empty.toString());
            r = MainTest.run("--backend", "reference", "run", "--task", "logreg-a9a", "--optimizer", "sgd", "--data-dir",
                    empty.toString(), "--no-download", "--runs-dir", tmp.resolve("runs").toString());
        } finally {
            if (shared == null) {
                System.clearProperty("optopt.shared");
            } else {
                System.setProperty("optopt.shared", shared);
            }
        }
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("optopt: error: Data set a9a: file a9a not found."), r.err());
        assertFalse(Files.exists(tmp.resolve("runs")), "no run directory for a run that never started");
    }

    @Test
    void anUnwritableRunsDirectorySaysWhatFailed() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run r = train("run", "--steps", "2", "--runs-dir", file.resolve("runs").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("optopt: error: Cannot create the run directory " + file.resolve("runs")), r.err());
        assertTrue(r.err().contains(file.resolve("runs") + ": Not a directory"), r.err());
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc here");
        Run proc = train("run", "--steps", "2", "--runs-dir", "/proc/nope");
        assertEquals(1, proc.exitCode(), proc.err());
        assertTrue(proc.err().matches("(?s)optopt: error: Cannot create the run directory /proc/nope/\\S+: /proc/nope: \\S.*"),
                proc.err());
    }

    @Test
    void helpShowsNoRegexAndNeverBreaksInsideAValue() {
        for (String command : List.of("run", "compare")) {
            Run r = MainTest.run(command, "--help");
            assertEquals(0, r.exitCode(), r.err());
            assertFalse(r.out().contains("(?"), r.out());
            assertTrue(r.out().contains("lr=0.01") && r.out().contains("~/.optopt/data"), r.out());
            for (String line : r.out().lines().toList()) {
                assertTrue(line.length() <= 80, "wider than 80: " + line);
            }
        }
        assertTrue(MainTest.run("compare", "--help").out().contains("--optimizers=OPT[,OPT...]"));
        for (String[] command : List.of(new String[] {"--help"}, new String[] {"tasks", "--help"},
                new String[] {"golden", "--help"}, new String[] {"bench", "kernel", "--help"})) {
            for (String line : MainTest.run(command).out().lines().toList()) {
                assertTrue(line.length() <= 80, "wider than 80 in " + String.join(" ", command) + ": " + line);
            }
        }
    }
}
