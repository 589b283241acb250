package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.cli.Main;
import org.optopt.tasks.suite.DataRequirement;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.testsupport.SharedFiles;

/**
 * {@code greedy} from its defaults runs on every task of the suite (issue 19, item 3), through the
 * real command line: a short run (52 steps at batch size 8, so one design at step 50) completes
 * with finite numbers and writes its decision. Tasks whose data are not in the shared folder are skipped, saying so.
 * And {@code greedy(budget=metric, step_size=curvature)} on mnist-mlp takes eta* (no fallback) at
 * some of its designs, where the one-step secant had skipped every one.
 */
@IntegrationTest
class GreedyTasksTest {

    static List<String> tasks() {
        return TaskRegistry.standard().names();
    }

    private static Path run(String... args) throws IOException {
        Path runs = Files.createTempDirectory("optopt-greedy");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = Stream.concat(Stream.of(args), Stream.of("--evaluations", "1", "--runs-dir", runs.toString(),
                "--no-download")).toArray(String[]::new);
        int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, String.join(" ", args) + ": " + err);
        try (Stream<Path> s = Files.list(runs)) {
            return s.findFirst().orElseThrow();
        }
    }

    private static void requireData(String task) throws IOException {
        SharedFiles shared = SharedFiles.configured();
        ResolverDataSource data = ResolverDataSource.of(Files.createTempDirectory("optopt-data"), shared.root(), false);
        for (DataRequirement r : TaskRegistry.standard().get(task).dataRequirements()) {
            assumeTrue(data.isAvailable(r), () -> shared.skipMessage("data/ files of " + r));
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void greedyRunsOnEveryTaskFromItsDefaults(String task) throws IOException {
        requireData(task);
        Path dir = run("run", "--task", task, "--optimizer", "greedy", "--steps", "52", "--batch-size", "8");
        assertEquals("complete", Files.readString(dir.resolve("STATUS")).strip(), task);
        List<String> decisions = Files.readAllLines(dir.resolve("decisions.csv"));
        assertEquals(2, decisions.size(), task + ": " + decisions); // header and the design at step 50
        String metrics = Files.readString(dir.resolve("metrics.json"));
        assertTrue(!metrics.contains("NaN") && !metrics.contains("Infinity"), task + ": " + metrics);
    }

    @Test
    void curvatureStepSizeDesignsOnMnistMlp() throws IOException {
        requireData("mnist-mlp");
        Path dir = run("run", "--task", "mnist-mlp", "--optimizer",
                "greedy(0.01, budget=metric, step_size=curvature, redesign_every=25)", "--steps", "100");
        List<String> rows = Files.readAllLines(dir.resolve("decisions.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int fallback = header.indexOf("fallback");
        long designed = rows.stream().skip(1).filter(r -> Double.parseDouble(r.split(",")[fallback]) == 0).count();
        assertEquals(5, rows.size(), String.join("\n", rows));
        assertTrue(designed > 0, "every design fell back:\n" + String.join("\n", rows));
    }
}
