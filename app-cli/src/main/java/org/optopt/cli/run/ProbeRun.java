package org.optopt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.suite.TaskRegistry;

/**
 * Trains a task with every probe attached (a normal run directory, whose {@code steps.csv} carries
 * the probes' columns) and hands back the probed optimizer, whose probes hold the statistics:
 * what {@code optopt design --task} designs from.
 */
public final class ProbeRun {
    /** How often the run's steps.csv carries the probe statistics, in steps: {@value}. */
    public static final int EVERY = 10;

    private ProbeRun() {}

    /**
     * What the run left.
     *
     * @param task the task's name
     * @param directory the run directory
     * @param optimizer the probed optimizer (its probes hold the final statistics)
     * @param steps the number of steps trained
     */
    public record Collected(String task, Path directory, ProbedOptimizer optimizer, long steps) {}

    /** Whether {@code options} names a task. */
    public static boolean hasTask(TrainingOptions options) {
        return options.task != null;
    }

    /**
     * Trains {@code options}' task with {@code optimizer} and every probe.
     *
     * @throws IllegalArgumentException on an unknown task or optimizer, or bad options
     * @throws IOException if the task's data cannot be read
     */
    public static Collected collect(Backend backend, Optimizers optimizers, TaskRegistry tasks, TrainingOptions options,
            String optimizer, long seed, PrintWriter err) throws IOException {
        var task = tasks.get(options.task);
        AtomicReference<ProbedOptimizer> probed = new AtomicReference<>();
        Experiment e = new Experiment(backend, optimizers, options.dataSource(), err, ProbeOptions.of(Probes.NAMES, EVERY),
                probed::set);
        Experiment.Outcome o = e.run(task, options.optimizer(optimizers, optimizer), seed, options.batchSize(), options.budget(), options.evaluations,
                options.runsDir);
        return new Collected(task.name(), o.directory(), probed.get(), o.result().steps().size());
    }
}
