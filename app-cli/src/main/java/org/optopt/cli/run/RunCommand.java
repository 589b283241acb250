package org.optopt.cli.run;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.format.Numbers;
import org.optopt.optimizers.spec.OptimizerSpec;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.EvalRecord;
import org.optopt.tasks.training.Trainer;
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

    @Mixin
    private ProbeOptions probes;

    // Checked in run(), not by picocli, so that an unknown option is reported before a missing one.
    @Option(names = "--optimizer", paramLabel = "OPT",
            description = "An optimizer (see 'optopt optimizers'), e.g. adam or sgd(0.1, momentum=0.9), or a"
                    + " hypergradient tower, e.g. adam/sgd(1e-5) or sgd(0.01)/sgd(0.01)/sgd(0.01).")
    private String optimizer;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialization and batch order (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--checkpoint-every", defaultValue = "" + Experiment.CHECKPOINT_EVERY, paramLabel = "N",
            description = "Steps between checkpoints (checkpoint.bin; also after the last step; default: ${DEFAULT-VALUE}).")
    private int checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the interrupted run in DIR from its checkpoint, with its own arguments and probes.")
    private java.nio.file.Path resume;

    @Inject
    RunCommand(Supplier<Backend> backend, Optimizers optimizers, TaskRegistry tasks) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.tasks = tasks;
    }

    @Override
    public void run() {
        if (resume == null && options.task == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--task=TASK'");
        }
        if (resume == null && optimizer == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--optimizer=OPT'");
        }
        if (checkpointEvery < 1) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-every must be at least 1, got " + checkpointEvery);
        }
        options.validate(spec);
        TrainingOptions.usage(spec, () -> {
            probes.validate();
            return probes;
        });
        PrintWriter out = spec.commandLine().getOut();
        try {
            Experiment.Outcome o;
            Task task;
            String label;
            if (resume != null) {
                RunArguments args = RunArguments.read(resume);
                task = tasks.get(args.task());
                label = args.spec(new OptimizerSpecs(optimizers)).toString();
                seed = args.seed();
                o = experiment().resume(resume, tasks::get);
            } else {
                task = TrainingOptions.usage(spec, () -> tasks.get(options.task));
                OptimizerSpec resolved = TrainingOptions.usage(spec, () -> options.optimizer(optimizers, optimizer));
                label = resolved.toString();
                o = experiment().run(task, resolved, seed, options.batchSize(), options.budget(), options.evaluations,
                        options.runsDir, checkpointEvery, options.threads);
            }
            EvalRecord last = o.result().finalEvaluation();
            out.printf(Locale.ROOT, "%s with %s, seed %d: %d steps in %.1f s; test loss %s%s; target %s %s%n",
                    task.name(), label, seed, last.step(), last.seconds(), Numbers.significant(last.loss(), 4),
                    Double.isNaN(last.accuracy()) ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * last.accuracy()),
                    task.target(), o.result().reachedTarget() ? "reached at step " + o.result().stepsToTarget() : "not reached");
            List<String> plots = new Comparison(task, List.of(new Comparison.Entry(label, List.of(o.result()), 0)))
                    .writePlots(o.directory());
            out.println("run directory: " + o.directory() + " (plots: " + String.join(", ", plots) + ")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    private Experiment experiment() {
        return new Experiment(backend.get(), optimizers, options.dataSource(), spec.commandLine().getErr(), probes,
                Trainer.Listener.NONE);
    }
}
