package org.optopt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.cli.checkpoint.Checkpoint;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.optimizers.spec.OptimizerSpec;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;

/**
 * One training run of a task with an optimizer and a seed, written to its own run directory
 * (see {@link RunDirectory}) with a progress line on stderr.
 */
public final class Experiment {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Backend backend;
    private final OptimizerSpecs specs;
    private final DataSource data;
    private final PrintWriter err;
    private final ProbeOptions probes;
    private final Consumer<ProbedOptimizer> probed;

    /** An experiment on {@code backend}, reading data through {@code data}, with progress on {@code err}. */
    public Experiment(Backend backend, Optimizers optimizers, DataSource data, PrintWriter err) {
        this(backend, optimizers, data, err, ProbeOptions.of(List.of(), 1), p -> { });
    }

    /** An experiment whose optimizers get {@code probes} attached; {@code probed} sees each probed optimizer. */
    Experiment(Backend backend, Optimizers optimizers, DataSource data, PrintWriter err, ProbeOptions probes,
            Consumer<ProbedOptimizer> probed) {
        this.backend = backend;
        this.specs = new OptimizerSpecs(optimizers);
        this.data = data;
        this.err = err;
        this.probes = probes;
        this.probed = probed;
    }

    /**
     * What one run produced and where it is.
     *
     * @param directory the run directory
     * @param result the records and target bookkeeping
     */
    public record Outcome(Path directory, Trainer.Result result) {}

    /**
     * Trains and records one run under {@code runsDir}. On failure the run directory is marked
     * failed (or removed, when the run failed before its first step) and the exception propagates.
     */
    Outcome run(Task task, OptimizerSpec spec, long seed, int batchSize, Budget budget, int evaluations, Path runsDir)
            throws IOException {
        return run(task, spec, seed, batchSize, budget, evaluations, runsDir, CHECKPOINT_EVERY);
    }

    /** {@link #run} with checkpoints every {@code checkpointEvery} steps. */
    Outcome run(Task task, OptimizerSpec spec, long seed, int batchSize, Budget budget, int evaluations, Path runsDir,
            int checkpointEvery) throws IOException {
        String name = LocalDateTime.now().format(STAMP) + "-" + task.name() + "-" + sanitize(spec.toString()) + "-s" + seed;
        return runIn(unique(runsDir.resolve(name)), task, new RunArguments(task.name(), spec.toString(), Map.of(),
                seed, batchSize, budget, evaluations, checkpointEvery));
    }

    /** Steps between checkpoints unless told otherwise. */
    public static final int CHECKPOINT_EVERY = 500;

    /**
     * Trains and records one run in {@code dir}, which must not exist yet.
     *
     * @throws IllegalArgumentException if {@code dir} exists, or on a bad optimizer setting
     */
    public Outcome runIn(Path dir, Task task, RunArguments args) throws IOException {
        OptimizerSpec spec = args.spec(specs);
        try (RunDirectory run = RunDirectory.create(dir, config(task, spec, args))) {
            args.write(dir);
            return train(run, task, spec, args, null);
        }
    }

    /**
     * Continues the incomplete run in {@code dir} from its checkpoint (from the start if it has
     * none), so that it ends as the uninterrupted run would have.
     *
     * @throws IllegalArgumentException if {@code dir} is not a run directory, is complete, or its
     *     checkpoint is corrupt
     */
    public Outcome resume(Path dir, Function<String, Task> tasks) throws IOException {
        RunArguments args = RunArguments.read(dir);
        if (Files.readString(dir.resolve("STATUS")).strip().equals("complete")) {
            throw new IllegalArgumentException("Run " + dir + " is complete; there is nothing to resume");
        }
        Task task = tasks.apply(args.task());
        OptimizerSpec spec = args.spec(specs);
        Path file = RunCheckpoints.file(dir);
        Checkpoint from = Files.exists(file)
                ? Checkpoint.read(file) : null;
        try (RunDirectory run = RunDirectory.resume(dir, from == null ? 0 : from.stepsLogLength(),
                from == null ? 0 : from.evalsLogLength())) {
            return train(run, task, spec, args, from);
        }
    }

    private Outcome train(RunDirectory run, Task task, OptimizerSpec spec, RunArguments args, Checkpoint from)
            throws IOException {
        BiFunction<Backend, ParameterSet, Optimizer> factory = probes.attach((b, p) -> specs.build(spec, b, p), probed);
        long seed = args.seed();
        Path dir = run.path();
        ProgressBar progress = new ProgressBar(err, task.name() + " " + spec + " seed " + seed, System.console() != null);
        RunCheckpoints checkpoints = new RunCheckpoints(run, args.checkpointEvery(), from);
        try {
            Trainer.Result r = new Trainer(task, backend, data).run(factory, seed, args.batchSize(), args.budget(),
                    args.evaluations(), new Trainer.Listener() {
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
                    }, checkpoints);
            Map<String, Object> metrics = metrics(r);
            metrics.put("checkpoint_seconds", checkpoints.seconds());
            run.complete(metrics);
            return new Outcome(dir, r);
        } catch (RuntimeException | IOException e) {
            if (from == null && !run.started()) {
                // Failed before its first step (missing data, a failed download): nothing to keep or resume.
                run.discard();
            } else {
                run.fail(ErrorMessages.describe(e));
            }
            throw e;
        }
    }

    private Map<String, Object> config(Task task, OptimizerSpec spec, RunArguments args) {
        int batchSize = args.batchSize();
        Budget budget = args.budget();
        long seed = args.seed();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", task.name());
        config.put("optimizer", spec.toString());
        config.put("hyperparameters", specs.hyperparameters(spec));
        config.put("seed", seed);
        config.put("batch_size", batchSize > 0 ? batchSize : task.defaultBatchSize());
        config.put("budget", (budget != null ? budget : task.defaultBudget()).toString());
        config.put("backend", backend.name());
        config.put("evaluations", args.evaluations());
        config.put("target", task.target().toString());
        config.put("optopt_version", Provenance.version());
        config.put("git_commit", Provenance.gitCommit().orElse(null));
        return config;
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
        for (int k = 2; Files.exists(p); k++) {
            p = dir.resolveSibling(dir.getFileName() + "-" + k);
        }
        return p;
    }
}
