package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.cli.Main;
import org.optopt.testsupport.SharedFiles;
import org.optopt.testsupport.IntegrationTest;

/**
 * The suite's MNIST tasks reach their targets with Adam within their default budgets, trained
 * through the real command line on the default backend (nd4j): logreg-mnist 92% in 10 epochs,
 * mnist-mlp 97% in 12 epochs (seed 0).
 */
@IntegrationTest
class TaskTargetsTest {

    @ParameterizedTest
    @CsvSource({"logreg-mnist", "mnist-mlp"})
    void adamReachesTheTargetWithinTheDefaultBudget(String task) throws IOException {
        SharedFiles.configured().data("mnist/train-images-idx3-ubyte.gz");
        Path runs = Files.createTempDirectory("optopt-targets");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"run", "--task", task, "--optimizer", "adam", "--evaluations", "4", "--runs-dir",
                runs.toString(), "--no-download"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        Path dir;
        try (Stream<Path> s = Files.list(runs)) {
            dir = s.findFirst().orElseThrow();
        }
        String metrics = Files.readString(dir.resolve("metrics.json"));
        assertTrue(metrics.contains("\"reached_target\": true"), task + ": " + metrics);
    }
}
