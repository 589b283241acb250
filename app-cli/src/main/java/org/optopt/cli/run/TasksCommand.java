package org.optopt.cli.run;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code optopt tasks}: the benchmark suite with data requirements and whether the data is here. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "List the training tasks, their defaults and targets, and whether their data is present.")
public final class TasksCommand implements Runnable {
    private final TaskRegistry tasks;

    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory, which must exist (default: $OPTOPT_DATA, else ~/.optopt/data).")
    private Path dataDir;

    @Option(names = "--verbose", description = "Also print each task's description.")
    private boolean verbose;

    @Inject
    TasksCommand(TaskRegistry tasks) {
        this.tasks = tasks;
    }

    @Override
    public void run() {
        TrainingOptions.usage(spec, () -> {
            TrainingOptions.requireDirectory(dataDir);
            return null;
        });
        Path dir = org.optopt.tasks.data.DataResolver.dataDirectory(dataDir, System.getenv(), System.getProperty("user.home"));
        String shared = System.getProperty("optopt.shared");
        ResolverDataSource data = ResolverDataSource.of(dir, shared == null ? null : Path.of(shared), false);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-22s %-6s %-12s %-24s %-18s %s%n", "TASK", "BATCH", "BUDGET", "TARGET", "DATA", "PRESENT");
        for (TaskRegistry.Listing l : tasks.list(data)) {
            var t = l.task();
            String needs = t.dataRequirements().isEmpty() ? "none"
                    : t.dataRequirements().stream().map(r -> r.dataSet()).collect(Collectors.joining(","));
            out.printf("%-22s %-6d %-12s %-24s %-18s %s%n", t.name(), t.defaultBatchSize(), t.defaultBudget(), t.target(),
                    needs, l.dataAvailable() ? "yes" : "no (downloaded on first use; or --data-dir)");
            if (verbose) {
                out.println("    " + t.description());
            }
        }
    }
}
