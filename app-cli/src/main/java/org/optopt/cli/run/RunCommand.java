package org.optopt.cli.run;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.format.Numbers;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code optopt run}: trains one task with one optimizer and writes a run directory. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train a task with an optimizer; writes config, per-step CSV and final metrics to a run directory.")
public final class RunCommand implements Runnable {
    private final Supplier<Backend> backend;
    private final Optimizers optimizers;
    private final TaskRegistry tasks;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainingOptions options;

    // Checked in run(), not by picocli, so that an unknown option is reported before a missing one.
    @Option(names = "--optimizer", paramLabel = "OPT",
            description = "An optimizer (see 'optopt optimizers'), e.g. adam or sgd(0.1, momentum=0.9), or a"
                    + " hypergradient tower, e.g. adam/sgd(1e-5) or sgd(0.01)/sgd(0.01)/sgd(0.01).")
    private String optimizer;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialization and batch order (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Inject
    RunCommand(Supplier<Backend> backend, Optimizers optimizers, TaskRegistry tasks) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.tasks = tasks;
    }

    @Override
    public void run() {
        if (options.task == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--task=TASK'");
        }
        if (optimizer == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--optimizer=OPT'");
        }
        options.validate(spec);
        Task task = TrainingOptions.usage(spec, () -> tasks.get(options.task));
        OptimizerFactory factory = TrainingOptions.usage(spec, () -> OptimizerFactory.of(
                OptimizerSpec.parse(optimizer).with(OptimizerSpec.parseSettings(options.settings)), optimizers));
        PrintWriter out = spec.commandLine().getOut();
        Experiment experiment = new Experiment(backend.get(), options.dataSource(), spec.commandLine().getErr());
        try {
            Experiment.Outcome o = experiment.run(task, factory, seed, options.batchSize(), options.budget(),
                    options.evaluations, options.runsDir);
            EvalRecord last = o.result().finalEvaluation();
            out.printf(Locale.ROOT, "%s with %s, seed %d: %d steps in %.1f s; test loss %s%s; target %s %s%n",
                    task.name(), factory.spec(), seed, last.step(), last.seconds(), Numbers.significant(last.loss(), 4),
                    Double.isNaN(last.accuracy()) ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * last.accuracy()),
                    task.target(), o.result().reachedTarget() ? "reached at step " + o.result().stepsToTarget() : "not reached");
            List<String> plots = new Comparison(task, List.of(new Comparison.Entry(factory.spec().toString(),
                    List.of(o.result()), 0))).writePlots(o.directory());
            out.println("run directory: " + o.directory() + " (plots: " + String.join(", ", plots) + ")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }
}
