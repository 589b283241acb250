package org.optopt.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code optopt bench}: speed measurements, always beside a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure speed against baselines measured in the same run.",
        subcommands = {KernelBenchCommand.class, OptimizerBenchCommand.class, TaskBenchCommand.class,
            ProbeBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @jakarta.inject.Inject
    BenchCommand() {}

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
