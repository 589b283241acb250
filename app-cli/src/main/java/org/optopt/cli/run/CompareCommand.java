package org.optopt.cli.run;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.report.LinePlot;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code optopt compare}: trains one task with several optimizers over several seeds, prints a
 * table (final test loss and accuracy as mean +- std, steps and seconds to the task's target) and
 * plots the curves with seed bands. Without options it runs the default comparison, which needs
 * no downloaded data and takes about a minute.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train a task with several optimizers and seeds; print a table and plot the curves.")
public final class CompareCommand implements Runnable {
    static final String DEFAULT_TASK = "teacher-student-mlp";
    static final String DEFAULT_OPTIMIZERS = "sgd(lr=0.05),sgd(lr=0.05,momentum=0.9),adam,rmsprop,lion(lr=3e-4)";

    private final Supplier<Backend> backend;
    private final Optimizers optimizers;
    private final TaskRegistry tasks;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainingOptions options;

    @Option(names = "--optimizers", split = ",(?![^(]*\\))", paramLabel = "OPT",
            description = "Comma-separated optimizers or towers, e.g. adam,sgd(0.1,momentum=0.9),adam/sgd(1e-5)"
                    + " (default: " + DEFAULT_OPTIMIZERS + " on the default task).")
    private List<String> optimizerList;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per optimizer: 0..N-1 (default: ${DEFAULT-VALUE}).")
    private int seeds;

    @Inject
    CompareCommand(Supplier<Backend> backend, Optimizers optimizers, TaskRegistry tasks) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.tasks = tasks;
    }

    @Override
    public void run() {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        }
        Task task = tasks.get(options.task == null ? DEFAULT_TASK : options.task);
        List<OptimizerSpec> specs = new ArrayList<>();
        Map<String, Object> common = OptimizerSpec.parseSettings(options.settings);
        for (String entry : optimizerList != null ? optimizerList : List.of(DEFAULT_OPTIMIZERS.split(",(?![^(]*\\))"))) {
            OptimizerSpec parsed = OptimizerSpec.parse(entry);
            Map<String, Object> settings = new LinkedHashMap<>(common);
            settings.putAll(parsed.settings());
            specs.add(new OptimizerSpec(parsed.text(), parsed.name(), settings, parsed.tower()));
        }
        Path dir = options.runsDir.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-compare-" + task.name());
        try {
            Files.createDirectories(dir);
            Experiment experiment = new Experiment(backend.get(), optimizers, options.dataSource(),
                    spec.commandLine().getErr());
            List<Comparison.Entry> entries = new ArrayList<>();
            PrintWriter err = spec.commandLine().getErr();
            int failures = 0;
            for (OptimizerSpec os : specs) {
                List<Trainer.Result> results = new ArrayList<>();
                int failed = 0;
                for (long seed = 0; seed < seeds; seed++) {
                    try {
                        results.add(experiment.run(task, os, seed, options.batchSize, options.budget(),
                                options.evaluations, dir).result());
                    } catch (RuntimeException e) {
                        // One diverging optimizer must not end the comparison; its run directory says "failed".
                        failed++;
                        err.println("optopt: warning: " + os + " seed " + seed + " failed: "
                                + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    }
                }
                failures += failed;
                entries.add(new Comparison.Entry(os.toString(), results, failed));
            }
            if (failures == specs.size() * seeds) {
                throw new IllegalStateException("Every run of the comparison failed; see the warnings above and " + dir);
            }
            Comparison comparison = new Comparison(task, entries);
            PrintWriter out = spec.commandLine().getOut();
            comparison.printTable(out);
            Path svg = dir.resolve("curves.svg");
            Path png = dir.resolve("curves.png");
            LinePlot.write(comparison.panels(), svg, png);
            Files.writeString(dir.resolve("summary.csv"), comparison.csv());
            out.printf(Locale.ROOT, "runs, summary.csv and plots (curves.svg, curves.png) in %s%n", dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
