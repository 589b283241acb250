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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.RunDirectory;
import org.optopt.tasks.training.StepRecord;
import org.optopt.tasks.training.Trainer;

/**
 * {@code optopt run --probes ...} interrupted after a checkpoint and resumed writes the probes'
 * statistics of an uninterrupted run: the checkpoint holds their streaming state and sampling
 * position (issue 17, item 3), not only the optimizer's; with the autocorrelation probe's lag products
 * formed at every observation and in blocks of 2 (bursts of 3 then end in mid-block, and so may the
 * checkpoint).
 */
class ProbedResumeTest {
    private static final Task TASK = TaskRegistry.standard().get("teacher-student-mlp");

    /** An interruption: thrown by the observer at step 13, after the checkpoint of step 10. */
    private static final class Interrupted extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted at step 13");
        }
    }

    private static Experiment experiment(Path tmp, int lagBlock, Trainer.Listener observer) {
        ProbeOptions probes = ProbeOptions.of(Probes.NAMES, 3);
        probes.period = 4;
        probes.burst = 3;
        probes.lagBlock = lagBlock;
        return new Experiment(new ReferenceBackend(), Optimizers.discover(), ResolverDataSource.of(tmp, null, false),
                new PrintWriter(new StringWriter()), probes, observer);
    }

    private static List<String> withoutSeconds(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> l.replaceFirst("^([^,]*),[^,]*", "$1")
                .replaceFirst(", \"seconds\": [^,]*", "")).toList();
    }

    @ParameterizedTest(name = "lag block {0}")
    @ValueSource(ints = {1, 2})
    void aResumedProbedRunWritesTheProbeStatisticsOfAnUninterruptedOne(int lagBlock, @TempDir Path tmp) throws IOException {
        RunArguments args = new RunArguments(TASK.name(), "adam/sgd(1e-5)", Map.of(), 4, 0, Budget.steps(24), 4, 5);
        Path straight = tmp.resolve("straight");
        experiment(tmp, lagBlock, Trainer.Listener.NONE).runIn(straight, TASK, args);

        Path dir = tmp.resolve("interrupted");
        assertThrows(Interrupted.class, () -> experiment(tmp, lagBlock, new Trainer.Listener() {
            @Override
            public void onStep(StepRecord record, long totalSteps) {
                if (record.step() == 13) {
                    throw new Interrupted();
                }
            }
        }).runIn(dir, TASK, args));
        assertEquals("failed: interrupted at step 13", Files.readString(dir.resolve(RunDirectory.STATUS)).strip());
        new Experiment(new ReferenceBackend(), Optimizers.discover(), ResolverDataSource.of(tmp, null, false),
                new PrintWriter(new StringWriter())).resume(dir, name -> TASK); // the probes come from probes.json

        List<String> steps = withoutSeconds(dir.resolve("steps.csv"));
        assertTrue(steps.get(0).contains(",probe.autocorrelation.R1,"), steps.get(0));
        assertTrue(steps.get(15).endsWith(",") && !steps.get(16).endsWith(","), "statistics at steps 1, 4, ..., 16, 19, 22");
        assertEquals(withoutSeconds(straight.resolve("steps.csv")), steps);
        assertEquals(withoutSeconds(straight.resolve("steps.jsonl")), withoutSeconds(dir.resolve("steps.jsonl")));
        assertEquals(withoutSeconds(straight.resolve("evals.csv")), withoutSeconds(dir.resolve("evals.csv")));
    }
}
