package org.optopt.tasks.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataRequirement;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.Target;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * The library's training runner on the ridge-toy task with a plain SGD written in the test: its
 * records against the loop that {@link TrainingProblem} documents, its evaluation schedules, its
 * ownership of the optimizer, and a resumed run against an uninterrupted one.
 */
class TrainerTest {
    private static final double LR = 0.01;
    private final Backend backend = new ReferenceBackend();
    private final Task task = TaskRegistry.standard().get("ridge-toy");

    @TempDir
    Path tmp;

    private DataSource noData() {
        return ResolverDataSource.of(tmp.resolve("data"), null, false);
    }

    private Trainer trainer() {
        return new Trainer(task, backend, noData());
    }

    @Test
    void recordsWhatTheProblemsOwnLoopComputes() throws IOException {
        List<PlainSgd> built = new ArrayList<>();
        Trainer.Result r = trainer().run((b, params) -> {
            PlainSgd sgd = new PlainSgd(b, params, LR, 0);
            built.add(sgd);
            return sgd;
        }, RunOptions.defaults().withSteps(30).withEvaluateEvery(8).withSeed(3));

        List<Double> losses = new ArrayList<>();
        List<Double> testLosses = new ArrayList<>();
        try (TrainingProblem p = task.instantiate(backend, noData(), 3)) {
            for (int t = 1; t <= 30; t++) {
                p.nextBatch();
                losses.add(p.lossAndGradient());
                for (Parameter param : p.parameters().parameters()) {
                    backend.axpyInPlace((float) -LR, param.gradient(), param.value());
                }
                if (t % 8 == 0 || t == 30) {
                    testLosses.add(p.evaluate().loss());
                }
            }
        }
        assertEquals(losses, r.steps().stream().map(StepRecord::loss).toList());
        assertEquals(List.of(8L, 16L, 24L, 30L), r.evaluations().stream().map(EvalRecord::step).toList());
        assertEquals(testLosses, r.evaluations().stream().map(EvalRecord::loss).toList());
        assertEquals(Map.of("lr", LR), r.steps().get(29).hyperparameters());
        assertEquals(1, built.size());
        assertEquals(1, built.get(0).closed, "the trainer closes the optimizer it was given");
    }

    @Test
    void spreadsEvaluationsOverTheRunAndAlwaysEvaluatesTheLastStep() throws IOException {
        for (long steps : new long[] {20, 22}) {
            Trainer.Result r = trainer().run((b, params) -> new PlainSgd(b, params, LR, 0),
                    RunOptions.defaults().withSteps(steps).withEvaluations(4));
            List<Long> expected = new ArrayList<>(List.of(5L, 10L, 15L, 20L));
            if (steps == 22) {
                expected.add(22L);
            }
            assertEquals(expected, r.evaluations().stream().map(EvalRecord::step).toList(), steps + " steps");
        }
    }

    @Test
    void closesTheOptimizerAndMarksTheRunFailedWhenAStepFails() throws IOException {
        AtomicReference<PlainSgd> built = new AtomicReference<>();
        Path dir = tmp.resolve("runs/failing");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer().run((b, params) -> {
            built.set(new PlainSgd(b, params, LR, 5));
            return built.get();
        }, RunOptions.defaults().withSteps(10).withDirectory(dir).withCheckpointEvery(3)));
        assertEquals("failing at step 5 as told", e.getMessage());
        assertEquals(1, built.get().closed);
        assertEquals("failed: failing at step 5 as told", Files.readString(dir.resolve("STATUS")).strip());
        assertEquals(5, Files.readAllLines(dir.resolve("steps.csv")).size(), "header and the 4 steps made");
    }

    @Test
    void aRunThatFailsBeforeItsFirstStepLeavesNothingBehind() {
        Task missingData = new Task() {
            @Override
            public String name() {
                return "missing";
            }

            @Override
            public String description() {
                return "a task whose data cannot be read";
            }

            @Override
            public List<DataRequirement> dataRequirements() {
                return List.of();
            }

            @Override
            public int defaultBatchSize() {
                return 1;
            }

            @Override
            public Budget defaultBudget() {
                return Budget.steps(1);
            }

            @Override
            public Target target() {
                return task.target();
            }

            @Override
            public TrainingProblem instantiate(Backend b, DataSource data, long seed, int batchSize) throws IOException {
                throw new IOException("no data here");
            }
        };
        Path runs = tmp.resolve("runs");
        assertThrows(IOException.class, () -> new Trainer(missingData, backend, noData()).run((b, params) -> {
            throw new AssertionError("no optimizer without a problem");
        }, RunOptions.defaults().withDirectory(runs.resolve("run"))));
        assertFalse(Files.exists(runs), "the directories the run made are gone");
    }

    @Test
    void checkpointsNeedADirectoryAndACompleteRunIsNotResumed() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer().run(
                (b, params) -> new PlainSgd(b, params, LR, 0), RunOptions.defaults().withCheckpointEvery(5)));
        assertTrue(e.getMessage().startsWith("checkpoints need a run directory"), e.getMessage());
        RunOptions options = RunOptions.defaults().withSteps(3).withDirectory(tmp.resolve("done"));
        trainer().run((b, params) -> new PlainSgd(b, params, LR, 0), options);
        assertEquals("Run " + tmp.resolve("done") + " is complete; there is nothing to resume",
                assertThrows(IllegalArgumentException.class, () -> trainer().resume(
                        (b, params) -> new PlainSgd(b, params, LR, 0), options, Trainer.Listener.NONE)).getMessage());
    }

    /** The final parameter values, read while the trainer still holds the problem. */
    private static final class FinalValues implements Trainer.Listener {
        final List<float[]> values = new ArrayList<>();

        @Override
        public void onFinish(TrainingProblem problem, Optimizer optimizer) {
            problem.parameters().parameters().forEach(p -> values.add(p.value().toArray()));
        }
    }

    @Test
    void aResumedRunEndsBitIdenticalToAnUninterruptedOne() throws IOException {
        RunOptions options = RunOptions.defaults().withSteps(25).withEvaluateEvery(6).withSeed(11).withCheckpointEvery(4)
                .withConfig(Map.of("optimizer", "plain-sgd")).withFile("notes.txt", "from the test\n");
        Path straight = tmp.resolve("straight");
        FinalValues reference = new FinalValues();
        Trainer.Result expected = trainer().run((b, params) -> new PlainSgd(b, params, LR, 0),
                options.withDirectory(straight), reference);

        Path dir = tmp.resolve("interrupted");
        assertThrows(IllegalStateException.class, () -> trainer().run((b, params) -> new PlainSgd(b, params, LR, 15),
                options.withDirectory(dir)));
        assertEquals(12, Checkpoint.read(dir.resolve("checkpoint.bin")).step());
        FinalValues resumedValues = new FinalValues();
        List<Long> seen = new ArrayList<>();
        Trainer.Result resumed = trainer().resume((b, params) -> new PlainSgd(b, params, LR, 0),
                options.withDirectory(dir), resumedValues.andThen(new Trainer.Listener() {
                    @Override
                    public void onStep(StepRecord record, long totalSteps) {
                        seen.add(record.step());
                    }
                }));

        assertEquals(13L, seen.get(0), "the listener sees the steps after the checkpoint");
        // Records before the checkpoint come back from the logs, at their 9 significant digits.
        assertEquals(expected.steps().stream().skip(12).map(StepRecord::loss).toList(),
                resumed.steps().stream().skip(12).map(StepRecord::loss).toList());
        assertEquals(expected.steps().stream().map(s -> (float) s.loss()).toList(),
                resumed.steps().stream().map(s -> (float) s.loss()).toList());
        assertEquals(expected.evaluations().get(4).loss(), resumed.evaluations().get(4).loss(), "after the checkpoint");
        for (int i = 0; i < reference.values.size(); i++) {
            assertArrayEquals(reference.values.get(i), resumedValues.values.get(i));
        }
        for (String file : List.of("steps.csv", "evals.csv")) {
            assertEquals(withoutSeconds(straight.resolve(file)), withoutSeconds(dir.resolve(file)), file);
        }
        assertEquals("complete", Files.readString(dir.resolve("STATUS")).strip());
        assertEquals("from the test\n", Files.readString(dir.resolve("notes.txt")));
        String config = Files.readString(dir.resolve("config.json"));
        assertTrue(config.startsWith("{\"task\": \"ridge-toy\", \"optimizer\": \"plain-sgd\", \"seed\": 11, "
                + "\"batch_size\": 10, \"budget\": \"25 steps\", \"backend\": \"" + backend.name()
                + "\", \"threads\": 1, \"evaluate_every\": 6, "), config);
        assertTrue(Files.readString(dir.resolve("metrics.json")).startsWith("{\"steps\": 25, "));
    }

    /** teacher-student-mlp is a data-set task, so its batches of 32 split into two shards of 16. */
    @Test
    void aRunOnTwoThreadsResumesBitIdenticalAndOnlyOnTwoThreads() throws IOException {
        Trainer twoThreads = new Trainer(TaskRegistry.standard().get("teacher-student-mlp"), backend, noData());
        RunOptions options = RunOptions.defaults().withSteps(12).withEvaluateEvery(5).withSeed(2).withCheckpointEvery(4)
                .withThreads(2);
        FinalValues reference = new FinalValues();
        Trainer.Result expected = twoThreads.run((b, params) -> new PlainSgd(b, params, LR, 0),
                options.withDirectory(tmp.resolve("straight")), reference);
        Path dir = tmp.resolve("interrupted");
        assertThrows(IllegalStateException.class, () -> twoThreads.run((b, params) -> new PlainSgd(b, params, LR, 7),
                options.withDirectory(dir)));
        assertEquals(2, Checkpoint.read(dir.resolve("checkpoint.bin")).threads());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"threads\": 2, "));

        assertEquals("The checkpoint in " + dir + " was written by a run on 2 thread(s); resuming it on 1 would change"
                + " its trajectory", assertThrows(IllegalArgumentException.class, () -> twoThreads.resume(
                        (b, params) -> new PlainSgd(b, params, LR, 0), options.withThreads(1).withDirectory(dir),
                        Trainer.Listener.NONE)).getMessage());
        FinalValues resumedValues = new FinalValues();
        Trainer.Result resumed = twoThreads.resume((b, params) -> new PlainSgd(b, params, LR, 0),
                options.withDirectory(dir), resumedValues);
        assertEquals(expected.steps().stream().skip(4).map(StepRecord::loss).toList(),
                resumed.steps().stream().skip(4).map(StepRecord::loss).toList());
        for (int i = 0; i < reference.values.size(); i++) {
            assertArrayEquals(reference.values.get(i), resumedValues.values.get(i));
        }
    }

    private static List<String> withoutSeconds(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> l.replaceFirst("^([^,]*),[^,]*", "$1")).toList();
    }
}
