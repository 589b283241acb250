package org.optopt.cli.run;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.optimizers.spec.OptimizerSpec;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.RunDirectory;
import org.optopt.tasks.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code optopt compare}: trains one task with several optimizers over several seeds, prints a
 * table (final test loss and accuracy as mean +- std, steps and seconds to the task's target) and
 * plots the curves with seed bands. Without options it runs the default comparison, which needs
 * no downloaded data and takes seconds to a minute. Exits 1 when any run failed, after printing
 * and plotting the others.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train a task with several optimizers and seeds; print a table and plot the curves.")
public final class CompareCommand implements Runnable {
    static final String DEFAULT_TASK = "teacher-student-mlp";
    /** A comma outside parentheses: {@code adam,sgd(lr=0.1,momentum=0.9)} is two optimizers. */
    private static final String OPTIMIZER_SEPARATOR = ",(?![^(]*\\))";
    static final String DEFAULT_OPTIMIZERS = "sgd(lr=0.05), sgd(lr=0.05, momentum=0.9), adam, rmsprop, lion(lr=3e-4)";

    private final Supplier<Backend> backend;
    private final Optimizers optimizers;
    private final TaskRegistry tasks;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainingOptions options;

    @Option(names = "--optimizers", split = OPTIMIZER_SEPARATOR, splitSynopsisLabel = ",", paramLabel = "OPT",
            description = "Comma-separated optimizers or towers, e.g. adam,sgd(0.1,momentum=0.9),adam/sgd(1e-5)"
                    + " (default: " + DEFAULT_OPTIMIZERS + " on the default task).")
    private List<String> optimizerList;

    @Option(names = "--seeds", defaultValue = "3", paramLabel = "N", description = "Seeds per optimizer: 0..N-1 (default: ${DEFAULT-VALUE}).")
    private int seeds;

    @Inject
    CompareCommand(Supplier<Backend> backend, Optimizers optimizers, TaskRegistry tasks) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.tasks = tasks;
    }

    @Override
    public void run() {
        options.validate(spec);
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        Task task = TrainingOptions.usage(spec, () -> tasks.get(options.task == null ? DEFAULT_TASK : options.task));
        List<OptimizerSpec> specs = TrainingOptions.usage(spec, this::specs);
        // Created by the first run that starts: a comparison none of whose runs started leaves nothing.
        Path dir = options.runsDir.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-compare-" + task.name());
        PrintWriter err = spec.commandLine().getErr();
        Experiment experiment = new Experiment(backend.get(), optimizers, options.dataSource(), err);
        List<Comparison.Entry> entries = new ArrayList<>();
        int failures = 0;
        String firstFailure = null;
        for (OptimizerSpec optimizer : specs) {
            List<Trainer.Result> results = new ArrayList<>();
            int failed = 0;
            for (long seed = 0; seed < seeds; seed++) {
                try {
                    results.add(experiment.run(task, optimizer, seed, options.batchSize(), options.budget(),
                            options.evaluations, dir, Experiment.CHECKPOINT_EVERY, options.threads).result());
                } catch (RuntimeException | IOException e) {
                    // One diverging optimizer must not end the comparison; its run directory says "failed".
                    failed++;
                    String reason = ErrorMessages.describe(e);
                    firstFailure = firstFailure == null ? reason : firstFailure;
                    err.println("optopt: warning: " + optimizer + " seed " + seed + " failed: " + reason);
                }
            }
            failures += failed;
            entries.add(new Comparison.Entry(optimizer.toString(), results, failed));
        }
        int total = specs.size() * seeds;
        if (failures == total) {
            throw new IllegalStateException("Every run of the comparison failed; the first: " + firstFailure);
        }
        Comparison comparison = new Comparison(task, entries);
        PrintWriter out = spec.commandLine().getOut();
        comparison.printTable(out);
        try {
            List<String> plots = comparison.writePlots(dir);
            RunDirectory.writeAtomically(dir.resolve("summary.csv"), comparison.csv());
            out.printf(Locale.ROOT, "runs, summary.csv and plots (%s) in %s%n", String.join(", ", plots), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the comparison's files in " + dir + ": "
                    + ErrorMessages.describe(e), e);
        }
        if (failures > 0) {
            throw new IllegalStateException(failures + " of " + total + " runs failed (see the warnings above);"
                    + " the table and plots show the others");
        }
    }

    /** Every optimizer with the common {@code --set} settings applied, checked before anything runs. */
    private List<OptimizerSpec> specs() {
        List<OptimizerSpec> out = new ArrayList<>();
        for (String entry : optimizerList != null ? optimizerList : List.of(DEFAULT_OPTIMIZERS.split(OPTIMIZER_SEPARATOR))) {
            out.add(options.optimizer(optimizers, entry));
        }
        return out;
    }
}
