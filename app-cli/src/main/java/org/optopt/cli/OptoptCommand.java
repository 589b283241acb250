package org.optopt.cli;

import jakarta.inject.Inject;
import java.util.Map;
import org.optopt.cli.bench.BenchCommand;
import org.optopt.cli.run.CompareCommand;
import org.optopt.cli.run.RunCommand;
import org.optopt.cli.run.TasksCommand;
import org.optopt.cli.session.BackendChoice;
import org.optopt.cli.score.ScoreCommand;
import org.optopt.cli.study.StudyCommand;
import org.optopt.cli.studyreport.ReportCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The top-level {@code optopt} command. Options given here apply to every subcommand. To add a
 * command, write a picocli {@code @Command} class with an {@code @Inject} constructor for what it
 * needs and list it in {@code subcommands} below.
 */
@Command(name = "optopt", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Design, tune and compare gradient-based optimizers.",
        subcommands = {BackendsCommand.class, OptimizersCommand.class, TasksCommand.class, RunCommand.class,
            CompareCommand.class, GoldenCommand.class, BenchCommand.class, StudyCommand.class,
            ScoreCommand.class, ReportCommand.class, DesignCommand.class})
public final class OptoptCommand implements Runnable {
    private final BackendChoice choice;

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Inject
    OptoptCommand(BackendChoice choice) {
        this.choice = choice;
    }

    @Option(names = "--backend", paramLabel = "NAME", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Compute backend (see 'optopt backends'); default: the system property optopt.backend,"
                    + " else the available backend of highest priority.")
    void backend(String name) {
        choice.setName(name);
    }

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "A backend-specific setting, e.g. threads=1 (repeatable).")
    void backendOption(Map<String, String> options) {
        options.forEach(choice::putOption);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
