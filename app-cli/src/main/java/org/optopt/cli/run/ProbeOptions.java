package org.optopt.cli.run;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.Probes;
import picocli.CommandLine.Option;

/**
 * {@code --probes NAME,...} and {@code --probe-every N}: statistic probes attached to the trained
 * optimizer; their statistics become {@code probe.<name>.<statistic>} columns of {@code steps.csv},
 * filled after step 1 and every N steps.
 */
public final class ProbeOptions {
    @Option(names = "--probes", split = ",", paramLabel = "NAME",
            description = "Statistic probes to attach: second-moment, autocorrelation, kronecker (comma-separated).")
    List<String> names = List.of();

    @Option(names = "--probe-every", defaultValue = "10", paramLabel = "N",
            description = "Write the probes' statistics to steps.csv every N steps (default: ${DEFAULT-VALUE}).")
    int every;

    /** Options with the given probes, for callers outside picocli. */
    public static ProbeOptions of(List<String> names, int every) {
        ProbeOptions o = new ProbeOptions();
        o.names = List.copyOf(names);
        o.every = every;
        return o;
    }

    /** Checks the names and the interval before anything runs. */
    void validate() {
        if (every < 1) {
            throw new IllegalArgumentException("--probe-every must be at least 1, got " + every);
        }
        for (String n : names) {
            if (!Probes.NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown probe '" + n + "'; known: " + String.join(", ", Probes.NAMES));
            }
        }
    }

    /** {@code factory} with the probes attached (unchanged if none); {@code created} sees each probed optimizer. */
    BiFunction<Backend, ParameterSet, Optimizer> attach(BiFunction<Backend, ParameterSet, Optimizer> factory,
            Consumer<ProbedOptimizer> created) {
        validate();
        if (names.isEmpty()) {
            return factory;
        }
        return (backend, params) -> {
            ProbedOptimizer p = new ProbedOptimizer(factory.apply(backend, params), Probes.create(names, backend, params),
                    every);
            created.accept(p);
            return p;
        };
    }
}
