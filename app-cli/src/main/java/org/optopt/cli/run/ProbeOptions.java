package org.optopt.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.Probes;
import picocli.CommandLine.Option;

/**
 * {@code --probes NAME,...}, {@code --probe-every N}, the sampling {@code --probe-period P
 * --probe-burst B} and the autocorrelation probe's {@code --probe-lag-block B}: statistic probes attached to the trained optimizer (see
 * {@link ProbedOptimizer}); their statistics become {@code probe.<name>.<statistic>} columns of
 * {@code steps.csv}, filled after step 1 and every N steps. A run with probes keeps them in its
 * directory ({@value #FILE}) so that {@code --resume} attaches the same probes, whose statistics
 * its checkpoint holds.
 */
public final class ProbeOptions {
    /** The file of a run directory that holds its probe options. */
    static final String FILE = "probes.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--probes", split = ",", paramLabel = "NAME",
            description = "Statistic probes to attach (comma-separated): second-moment, autocorrelation, kronecker, covariance, curvature.")
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

    @Option(names = "--probe-lag-block", defaultValue = "1", paramLabel = "B",
            description = "Observations whose lag products the autocorrelation probe forms in one pass, copying the gradient"
                    + " at the others; the same statistics within float rounding (default: ${DEFAULT-VALUE}, every observation).")
    int lagBlock;

    /** Options with the given probes, for callers outside picocli. */
    public static ProbeOptions of(List<String> names, int every) {
        ProbeOptions o = new ProbeOptions();
        o.names = List.copyOf(names);
        o.every = every;
        o.period = 1;
        o.burst = 1;
        o.lagBlock = 1;
        return o;
    }

    /** Whether any probe is named. */
    boolean any() {
        return !names.isEmpty();
    }

    /** The text of {@value #FILE}. */
    String json() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("probes", names);
        m.put("every", every);
        m.put("period", period);
        m.put("burst", burst);
        m.put("lag_block", lagBlock);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
    }

    /**
     * The probe options saved in run directory {@code dir}: none if it has no {@value #FILE}.
     *
     * @throws IllegalArgumentException if the file is not valid
     */
    static ProbeOptions read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return of(List.of(), 1);
        }
        JsonNode m = JSON.readTree(file.toFile());
        ProbeOptions o = new ProbeOptions();
        List<String> names = new ArrayList<>();
        m.path("probes").forEach(n -> names.add(n.asText()));
        o.names = List.copyOf(names);
        o.every = m.path("every").asInt();
        o.period = m.path("period").asInt();
        o.burst = m.path("burst").asInt();
        o.lagBlock = m.path("lag_block").asInt(1); // absent in runs started before lag blocks
        try {
            o.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
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
        if (lagBlock < 1) {
            throw new IllegalArgumentException("--probe-lag-block must be at least 1, got " + lagBlock);
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
                Probes.create(names, backend, params, lagBlock), every, period, burst);
    }
}
