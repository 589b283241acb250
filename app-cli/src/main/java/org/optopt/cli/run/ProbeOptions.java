package org.optopt.cli.run;

import java.util.List;
import java.util.function.BiFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.Probes;
import picocli.CommandLine.Option;

/**
 * {@code --probes NAME,...}, {@code --probe-every N} and the sampling {@code --probe-period P
 * --probe-burst B}: statistic probes attached to the trained optimizer (see
 * {@link ProbedOptimizer}); their statistics become {@code probe.<name>.<statistic>} columns of
 * {@code steps.csv}, filled after step 1 and every N steps.
 */
public final class ProbeOptions {
    @Option(names = "--probes", split = ",", paramLabel = "NAME",
            description = "Statistic probes to attach: second-moment, autocorrelation, kronecker (comma-separated).")
    List<String> names = List.of();

    @Option(names = "--probe-every", defaultValue = "10", paramLabel = "N",
            description = "Write the probes' statistics to steps.csv every N steps (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--probe-period", defaultValue = "1", paramLabel = "P",
            description = "Observe bursts of --probe-burst steps every P steps (default: ${DEFAULT-VALUE}, every step).")
    int period;

    @Option(names = "--probe-burst", defaultValue = "1", paramLabel = "B",
            description = "Consecutive steps observed per period; lag-k statistics need B > k (default: ${DEFAULT-VALUE}).")
    int burst;

    /** Options with the given probes, for callers outside picocli. */
    public static ProbeOptions of(List<String> names, int every) {
        ProbeOptions o = new ProbeOptions();
        o.names = List.copyOf(names);
        o.every = every;
        o.period = 1;
        o.burst = 1;
        return o;
    }

    /** Checks the names and the interval before anything runs. */
    void validate() {
        if (every < 1) {
            throw new IllegalArgumentException("--probe-every must be at least 1, got " + every);
        }
        if (burst < 1 || burst > period) {
            throw new IllegalArgumentException("--probe-burst must be 1 to --probe-period (" + period + "), got " + burst);
        }
        for (String n : names) {
            if (!Probes.NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown probe '" + n + "'; known: " + String.join(", ", Probes.NAMES));
            }
        }
    }

    /** {@code factory} with the probes attached (unchanged if none). */
    BiFunction<Backend, ParameterSet, Optimizer> attach(BiFunction<Backend, ParameterSet, Optimizer> factory) {
        validate();
        if (names.isEmpty()) {
            return factory;
        }
        return (backend, params) -> new ProbedOptimizer(factory.apply(backend, params),
                Probes.create(names, backend, params), every, period, burst);
    }
}
