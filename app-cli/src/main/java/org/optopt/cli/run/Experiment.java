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
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.spec.OptimizerSpec;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.training.RunDirectory;
import org.optopt.tasks.training.RunOptions;
import org.optopt.tasks.training.Trainer;

/**
 * One training run of a task with an optimizer spec and a seed, written to its own run directory
 * by the library's {@link Trainer} (see {@link RunDirectory}), with {@code run.json} for
 * {@code --resume} and a progress line on stderr.
 */
public final class Experiment {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Backend backend;
    private final OptimizerSpecs specs;
    private final DataSource data;
    private final PrintWriter err;
    private final ProbeOptions probes;
    private final Trainer.Listener observer;

    /** An experiment on {@code backend}, reading data through {@code data}, with progress on {@code err}. */
    public Experiment(Backend backend, Optimizers optimizers, DataSource data, PrintWriter err) {
        this(backend, optimizers, data, err, ProbeOptions.of(List.of(), 1), Trainer.Listener.NONE);
    }

    /**
     * An experiment whose optimizers get {@code probes} attached; {@code observer} sees every run's
     * records and its end ({@link Trainer.Listener#onFinish}, while the optimizer is still open).
     */
    Experiment(Backend backend, Optimizers optimizers, DataSource data, PrintWriter err, ProbeOptions probes,
            Trainer.Listener observer) {
        this.backend = backend;
        this.specs = new OptimizerSpecs(optimizers);
        this.data = data;
        this.err = err;
        this.probes = probes;
        this.observer = observer;
    }

    /**
     * What one run produced and where it is.
     *
     * @param directory the run directory
     * @param result the records and target bookkeeping
     */
    public record Outcome(Path directory, Trainer.Result result) {}

    /**
     * Trains and records one run under {@code runsDir}, with checkpoints every {@code checkpointEvery}
     * steps and each step's loss and gradient on {@code threads} threads. On failure the run
     * directory is marked failed (or removed, when the run failed before its first step) and the
     * exception propagates.
     */
    Outcome run(Task task, OptimizerSpec spec, long seed, int batchSize, Budget budget, int evaluations, Path runsDir,
            int checkpointEvery, int threads) throws IOException {
        String name = LocalDateTime.now().format(STAMP) + "-" + task.name() + "-" + sanitize(spec.toString()) + "-s" + seed;
        return runIn(unique(runsDir.resolve(name)), task, new RunArguments(task.name(), spec.toString(), Map.of(),
                seed, batchSize, budget, evaluations, checkpointEvery, threads));
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
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("optimizer", spec.toString());
        config.put("hyperparameters", specs.hyperparameters(spec));
        RunOptions options = options(dir, args).withConfig(config).withFile(RunArguments.FILE, args.json());
        if (probes.any()) {
            options = options.withFile(ProbeOptions.FILE, probes.json());
        }
        return new Outcome(dir, trainer(task).run(probes.attach((b, p) -> specs.build(spec, b, p)), options,
                listener(task, spec, args)));
    }

    /**
     * Continues the incomplete run in {@code dir} from its checkpoint (from the start if it has
     * none), with its own arguments and probes (not this experiment's), so that it ends as the
     * uninterrupted run would have.
     *
     * @throws IllegalArgumentException if {@code dir} is not a run directory, is complete, or its
     *     checkpoint is corrupt
     */
    public Outcome resume(Path dir, Function<String, Task> tasks) throws IOException {
        RunArguments args = RunArguments.read(dir);
        Task task = tasks.apply(args.task());
        OptimizerSpec spec = args.spec(specs);
        var optimizer = ProbeOptions.read(dir).attach((b, p) -> specs.build(spec, b, p));
        return new Outcome(dir, trainer(task).resume(optimizer, options(dir, args), listener(task, spec, args)));
    }

    private Trainer trainer(Task task) {
        return new Trainer(task, backend, data);
    }

    private static RunOptions options(Path dir, RunArguments args) {
        return RunOptions.defaults().withBudget(args.budget()).withBatchSize(args.batchSize()).withSeed(args.seed())
                .withEvaluations(args.evaluations()).withCheckpointEvery(args.checkpointEvery()).withThreads(args.threads())
                .withDirectory(dir);
    }

    /** The progress bar and the observer. */
    private Trainer.Listener listener(Task task, OptimizerSpec spec, RunArguments args) {
        ProgressBar progress = new ProgressBar(err, task.name() + " " + spec + " seed " + args.seed(),
                System.console() != null);
        return progress.andThen(observer);
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
