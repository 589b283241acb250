package org.optopt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.ProbedOptimizer;
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
    private final Optimizers optimizers;
    private final DataSource data;
    private final PrintWriter err;
    private final ProbeOptions probes;
    private final Consumer<ProbedOptimizer> probed;

    Experiment(Backend backend, Optimizers optimizers, DataSource data, PrintWriter err) {
        this(backend, optimizers, data, err, ProbeOptions.of(List.of(), 1), p -> { });
    }

    /** An experiment whose optimizers get {@code probes} attached; {@code probed} sees each probed optimizer. */
    Experiment(Backend backend, Optimizers optimizers, DataSource data, PrintWriter err, ProbeOptions probes,
            Consumer<ProbedOptimizer> probed) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.data = data;
        this.err = err;
        this.probes = probes;
        this.probed = probed;
    }

    /** What one run produced and where it is. */
    record Outcome(Path directory, Trainer.Result result) {}

    /**
     * Trains and records one run under {@code runsDir}. On failure the run directory is marked
     * failed and the exception propagates.
     */
    Outcome run(Task task, OptimizerSpec spec, long seed, int batchSize, Budget budget, int evaluations, Path runsDir)
            throws IOException {
        BiFunction<Backend, ParameterSet, Optimizer> factory = probes.attach(OptimizerFactory.of(spec, optimizers), probed);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", task.name());
        config.put("optimizer", spec.toString());
        config.put("seed", seed);
        config.put("batch_size", batchSize > 0 ? batchSize : task.defaultBatchSize());
        config.put("budget", (budget != null ? budget : task.defaultBudget()).toString());
        config.put("backend", backend.name());
        config.put("target", task.target().toString());
        String name = LocalDateTime.now().format(STAMP) + "-" + task.name() + "-" + sanitize(spec.toString()) + "-s" + seed;
        Path dir = unique(runsDir.resolve(name));
        try (RunDirectory run = RunDirectory.create(dir, config)) {
            ProgressBar progress = new ProgressBar(err, task.name() + " " + spec + " seed " + seed, System.console() != null);
            try {
                Trainer.Result r = new Trainer(task, backend, data).run(factory, seed, batchSize, budget, evaluations,
                        new Trainer.Listener() {
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
                return new Outcome(dir, r);
            } catch (RuntimeException | IOException e) {
                run.fail(String.valueOf(e.getMessage()));
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
