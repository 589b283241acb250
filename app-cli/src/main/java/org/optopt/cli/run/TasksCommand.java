package org.optopt.cli.run;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.cli.format.Table;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code optopt tasks}: the benchmark suite with data requirements, whether the data is here, and
 * an estimate of each task's run time with the defaults, measured on the chosen backend (see
 * {@link RunTimeEstimate}); tasks whose data is absent get no estimate.
 */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "List the training tasks, their defaults and targets, whether their data is present, and how"
                + " long a run with the defaults takes here (measured on a few steps).")
public final class TasksCommand implements Runnable {
    private final TaskRegistry tasks;
    private final Supplier<Backend> backend;
    private final Optimizers optimizers;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TASK", arity = "0..*", description = "Only these tasks (default: all).")
    private List<String> only = List.of();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory, which must exist (default: $OPTOPT_DATA, else ~/.optopt/data).")
    private Path dataDir;

    @Option(names = "--no-estimate", description = "Skip the run-time estimates (they take a second or two per task).")
    private boolean noEstimate;

    @Option(names = "--verbose", description = "Also print each task's description.")
    private boolean verbose;

    @Inject
    TasksCommand(TaskRegistry tasks, Supplier<Backend> backend, Optimizers optimizers) {
        this.tasks = tasks;
        this.backend = backend;
        this.optimizers = optimizers;
    }

    @Override
    public void run() {
        TrainingOptions.usage(spec, () -> {
            TrainingOptions.requireDirectory(dataDir);
            only.forEach(tasks::get);
            return null;
        });
        Path dir = org.optopt.tasks.data.DataResolver.dataDirectory(dataDir, System.getenv(), System.getProperty("user.home"));
        String shared = System.getProperty("optopt.shared");
        ResolverDataSource data = ResolverDataSource.of(dir, shared == null ? null : Path.of(shared), false);
        PrintWriter out = spec.commandLine().getOut();
        Table table = new Table(List.of("TASK", "BATCH", "BUDGET", "TARGET", "DATA", "PRESENT", "RUN TIME"));
        List<String> descriptions = new ArrayList<>();
        for (TaskRegistry.Listing l : tasks.list(data)) {
            Task t = l.task();
            if (!only.isEmpty() && !only.contains(t.name())) {
                continue;
            }
            String needs = t.dataRequirements().isEmpty() ? "none"
                    : t.dataRequirements().stream().map(r -> r.dataSet()).collect(Collectors.joining(","));
            table.row(List.of(t.name(), Integer.toString(t.defaultBatchSize()), t.defaultBudget().toString(),
                    t.target().toString(), needs, l.dataAvailable() ? "yes" : "no (downloaded on first use)",
                    noEstimate ? "" : !l.dataAvailable() ? "-" : estimate(t, data)));
            descriptions.add(t.name() + ": " + t.description());
        }
        table.print(out);
        if (!noEstimate) {
            out.println("RUN TIME: setup + default budget x step time + 20 evaluations, timed on a few steps of Adam on "
                    + backend.get().name());
        }
        if (verbose) {
            descriptions.forEach(d -> out.println("  " + d));
        }
    }

    private String estimate(Task task, DataSource data) {
        try {
            return RunTimeEstimate.measure(task, backend.get(), data, optimizers).text();
        } catch (IOException | RuntimeException e) {
            return "? (" + ErrorMessages.describe(e) + ")";
        }
    }
}
