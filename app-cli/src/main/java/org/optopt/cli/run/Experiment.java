package org.optopt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;

/**
 * One training run of a task with an optimizer and a seed, written to its own run directory
 * (see {@link RunDirectory}) with a progress line on stderr.
 */
final class Experiment {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Backend backend;
    private final DataSource data;
    private final PrintWriter err;

    Experiment(Backend backend, DataSource data, PrintWriter err) {
        this.backend = backend;
        this.data = data;
        this.err = err;
    }

    /** What one run produced and where it is. */
    record Outcome(Path directory, Trainer.Result result) {}

    /**
     * Trains and records one run under {@code runsDir}. On failure a started run directory is
     * marked failed (one that never started is not created) and the exception propagates.
     */
    Outcome run(Task task, OptimizerFactory optimizer, long seed, int batchSize, Budget budget, int evaluations,
            Path runsDir) throws IOException {
        OptimizerSpec spec = optimizer.spec();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", task.name());
        config.put("optimizer", spec.toString());
        config.put("hyperparameters", optimizer.hyperparameters());
        config.put("seed", seed);
        config.put("batch_size", batchSize > 0 ? batchSize : task.defaultBatchSize());
        config.put("budget", (budget != null ? budget : task.defaultBudget()).toString());
        config.put("evaluations", evaluations);
        config.put("backend", backend.name());
        config.put("target", task.target().toString());
        config.put("optopt_version", Provenance.version());
        config.put("git_commit", Provenance.gitCommit().orElse(null));
        String name = LocalDateTime.now().format(STAMP) + "-" + task.name() + "-" + sanitize(spec.toString()) + "-s" + seed;
        try (RunDirectory run = RunDirectory.create(unique(runsDir.resolve(name)), config)) {
            ProgressBar progress = new ProgressBar(err, task.name() + " " + spec + " seed " + seed, System.console() != null);
            try {
                Trainer.Result r = new Trainer(task, backend, data).run(optimizer.create(), seed, batchSize, budget,
                        evaluations, new Trainer.Listener() {
                            @Override
                            public void onStep(StepRecord record, long total) {
                                run.onStep(record, total);
                                progress.onStep(record, total);
                            }

                            @Override
                            public void onEvaluation(EvalRecord record) {
                                run.onEvaluation(record);
                                progress.onEvaluation(record);
                            }
                        });
                run.complete(metrics(r));
                return new Outcome(run.path(), r);
            } catch (RuntimeException | IOException e) {
                run.fail(ErrorMessages.describe(e));
                throw e;
            }
        }
    }

    static Map<String, Object> metrics(Trainer.Result r) {
        EvalRecord last = r.finalEvaluation();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", last.step());
        m.put("seconds", last.seconds());
        m.put("final_train_loss", r.steps().get(r.steps().size() - 1).loss());
        m.put("test_loss", last.loss());
        m.put("test_accuracy", last.accuracy());
        m.put("reached_target", r.reachedTarget());
        m.put("steps_to_target", r.reachedTarget() ? r.stepsToTarget() : null);
        m.put("seconds_to_target", r.reachedTarget() ? r.secondsToTarget() : null);
        return m;
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9._=-]+", "_");
    }

    private static Path unique(Path dir) {
        Path p = dir;
        for (int k = 2; java.nio.file.Files.exists(p); k++) {
            p = dir.resolveSibling(dir.getFileName() + "-" + k);
        }
        return p;
    }
}
