package org.optopt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.suite.TrainingProblem;
import org.optopt.tasks.training.Trainer;

/**
 * Trains a task with every probe attached (a normal run directory, whose {@code steps.csv} carries
 * the probes' columns) and reads what it needs from the probed optimizer at the end of the run,
 * while its probes still hold their statistics: what {@code optopt design --task} designs from.
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
     * @param statistics what was read from the probed optimizer at the end
     * @param steps the number of steps trained
     * @param <T> the type of what was read
     */
    public record Collected<T>(String task, Path directory, T statistics, long steps) {}

    /** Whether {@code options} names a task. */
    public static boolean hasTask(TrainingOptions options) {
        return options.task != null;
    }

    /**
     * Trains {@code options}' task with {@code optimizer} and every probe, and applies {@code read} to
     * the probed optimizer after the last step (before the trainer closes it).
     *
     * @throws IllegalArgumentException on an unknown task or optimizer, or bad options
     * @throws IOException if the task's data cannot be read
     */
    public static <T> Collected<T> collect(Backend backend, Optimizers optimizers, TaskRegistry tasks,
            TrainingOptions options, String optimizer, long seed, PrintWriter err, Function<ProbedOptimizer, T> read)
            throws IOException {
        var task = tasks.get(options.task);
        AtomicReference<T> statistics = new AtomicReference<>();
        Trainer.Listener reader = new Trainer.Listener() {
            @Override
            public void onFinish(TrainingProblem problem, Optimizer trained) {
                statistics.set(read.apply((ProbedOptimizer) trained));
            }
        };
        Experiment e = new Experiment(backend, optimizers, options.dataSource(), err, ProbeOptions.of(Probes.NAMES, EVERY),
                reader);
        Experiment.Outcome o = e.run(task, options.optimizer(optimizers, optimizer), seed, options.batchSize(), options.budget(), options.evaluations,
                options.runsDir, Experiment.CHECKPOINT_EVERY, options.threads);
        return new Collected<>(task.name(), o.directory(), statistics.get(), o.result().steps().size());
    }
}
