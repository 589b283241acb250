package org.optopt.cli;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.cli.format.Numbers;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code optopt optimizers [list | show NAME]}: the registered optimizers (found through their
 * SPI) with their hyperparameters and defaults, or one optimizer's update rule printed from its
 * kernel. Without a subcommand it lists.
 */
@Command(name = "optimizers", mixinStandardHelpOptions = true,
        description = "List the optimizers with their hyperparameters, or show one's update rule.",
        subcommands = {OptimizersCommand.ListCommand.class, OptimizersCommand.ShowCommand.class})
final class OptimizersCommand implements Runnable {
    private final Optimizers optimizers;

    @Spec
    private CommandSpec spec;

    @Inject
    OptimizersCommand(Optimizers optimizers) {
        this.optimizers = optimizers;
    }

    @Override
    public void run() {
        list(optimizers, spec.commandLine().getOut());
    }

    static void list(Optimizers registry, PrintWriter out) {
        for (OptimizerProvider p : registry.providers()) {
            out.printf("%-9s %s%n", p.name(), p.description());
            out.printf("          %s%n", Stream.concat(p.hyperparameters().stream().map(h -> h.name() + "=" + Numbers.compact(h.defaultValue())),
                    p.hyperparameterLists().stream().map(l -> l.name() + "=" + HyperparameterList.format(l.defaultValue())))
                    .collect(Collectors.joining(", ")));
            if (!p.choices().isEmpty()) {
                out.printf("          options: %s%n", p.choices().stream()
                        .map(c -> c.name() + "=" + c.defaultValue() + " " + c.values()).collect(Collectors.joining(", ")));
            }
            out.printf("          capabilities: %s%n", p.capabilities().describe());
        }
    }

    /** {@code optopt optimizers list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every optimizer with its hyperparameters and defaults.")
    static final class ListCommand implements Runnable {
        private final Optimizers optimizers;

        @Spec
        private CommandSpec spec;

        @Inject
        ListCommand(Optimizers optimizers) {
            this.optimizers = optimizers;
        }

        @Override
        public void run() {
            list(optimizers, spec.commandLine().getOut());
        }
    }

    /** {@code optopt optimizers show NAME [OPTION=VALUE...]}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an optimizer's hyperparameters (defaults, domains) and its update rule.")
    static final class ShowCommand implements Runnable {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The optimizer, e.g. adam.")
        private String name;

        @Parameters(index = "1..*", paramLabel = "OPTION=VALUE",
                description = "Structural options for the printed rule, e.g. amsgrad=true.")
        private Map<String, String> choices = Map.of();

        private final Optimizers optimizers;

        @Inject
        ShowCommand(Optimizers optimizers) {
            this.optimizers = optimizers;
        }

        @Override
        public void run() {
            OptimizerProvider p = optimizers.provider(name);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: %s%ncapabilities: %s%n%nhyperparameters:%n", p.name(), p.description(),
                    p.capabilities().describe());
            for (Hyperparameter h : p.hyperparameters()) {
                out.printf("  %-26s default %-8s %-24s %s%n", h.name(), Numbers.compact(h.defaultValue()), h.domain().describe(h.name()),
                        h.description());
            }
            for (HyperparameterList l : p.hyperparameterLists()) {
                out.printf("  %-26s default %-8s %-24s %s%n", l.name(), HyperparameterList.format(l.defaultValue()),
                        "each " + l.domain().describe("x"), l.description() + " (a list, e.g. " + l.name() + "=0.5,0.9)");
            }
            if (!p.choices().isEmpty()) {
                out.printf("options:%n");
                for (Choice c : p.choices()) {
                    out.printf("  %-26s default %-8s one of %-17s %s%n", c.name(), c.defaultValue(), c.values(),
                            c.description());
                }
            }
            out.printf("%nupdate rule:%n%s", p.updateRule(choices));
        }
    }
}
