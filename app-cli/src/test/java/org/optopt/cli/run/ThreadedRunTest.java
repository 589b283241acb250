package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.StepRecord;
import org.optopt.tasks.training.Trainer;

/**
 * {@code optopt run --threads N}: the run directory records the thread count, and
 * {@code run --resume} continues an interrupted two-thread run on two threads, ending bit-identical
 * to an uninterrupted one (teacher-student-mlp, batches of 32 in two shards).
 */
class ThreadedRunTest {
    private static final Task TASK = TaskRegistry.standard().get("teacher-student-mlp");

    private static Experiment experiment(Path tmp, Trainer.Listener observer) {
        return new Experiment(new ReferenceBackend(), Optimizers.discover(), ResolverDataSource.of(tmp, null, false),
                new PrintWriter(new StringWriter()), ProbeOptions.of(List.of(), 1), observer);
    }

    private static List<String> withoutSeconds(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> l.replaceFirst("^([^,]*),[^,]*", "$1")).toList();
    }

    @Test
    void theRunDirectoryRecordsTheThreads(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "adam",
                "--steps", "6", "--threads", "2", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (Stream<Path> dirs = Files.list(runs)) {
            Path dir = dirs.findFirst().orElseThrow();
            assertTrue(Files.readString(dir.resolve("config.json")).contains("\"threads\": 2, "));
            assertTrue(Files.readString(dir.resolve(RunArguments.FILE)).contains("\"threads\" : 2"));
        }
        Run zero = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "adam",
                "--threads", "0", "--runs-dir", runs.toString());
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("--threads must be at least 1, got 0"), zero.err());
    }

    /** {@code compare --threads 2} trains each run as {@code run --threads 2} does: same files, same steps. */
    @Test
    void compareSplitsItsRunsAsRunDoes(@TempDir Path tmp) throws IOException {
        Path compared = tmp.resolve("compare");
        Path single = tmp.resolve("run");
        Run c = MainTest.run("--backend", "reference", "compare", "--task", "teacher-student-mlp", "--optimizers", "adam",
                "--seeds", "1", "--steps", "6", "--threads", "2", "--runs-dir", compared.toString());
        assertEquals(0, c.exitCode(), c.err());
        Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "adam",
                "--steps", "6", "--threads", "2", "--runs-dir", single.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path comparedRun;
        try (Stream<Path> found = Files.walk(compared)) {
            comparedRun = found.filter(p -> p.endsWith("config.json")).findFirst().orElseThrow().getParent();
        }
        Path run;
        try (Stream<Path> dirs = Files.list(single)) {
            run = dirs.findFirst().orElseThrow();
        }
        assertTrue(Files.readString(comparedRun.resolve("config.json")).contains("\"threads\": 2, "));
        assertEquals(withoutSeconds(run.resolve("steps.csv")), withoutSeconds(comparedRun.resolve("steps.csv")));
        Run zero = MainTest.run("--backend", "reference", "compare", "--threads", "0", "--runs-dir", compared.toString());
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("--threads must be at least 1, got 0"), zero.err());
    }

    @Test
    void anInterruptedTwoThreadRunResumesOnTwoThreadsBitIdentical(@TempDir Path tmp) throws IOException {
        RunArguments args = new RunArguments(TASK.name(), "adam", Map.of(), 3, 0, Budget.steps(14), 3, 5, 2);
        Path straight = tmp.resolve("straight");
        experiment(tmp, Trainer.Listener.NONE).runIn(straight, TASK, args);
        Path dir = tmp.resolve("interrupted");
        assertThrows(IllegalStateException.class, () -> experiment(tmp, new Trainer.Listener() {
            @Override
            public void onStep(StepRecord record, long totalSteps) {
                if (record.step() == 8) {
                    throw new IllegalStateException("interrupted at step 8");
                }
            }
        }).runIn(dir, TASK, args));

        Run r = MainTest.run("--backend", "reference", "run", "--resume", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(withoutSeconds(straight.resolve("steps.csv")), withoutSeconds(dir.resolve("steps.csv")));
        assertEquals(withoutSeconds(straight.resolve("evals.csv")), withoutSeconds(dir.resolve("evals.csv")));
    }
}
