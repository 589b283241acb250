package org.optopt.cli.study;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.optopt.cli.format.Numbers;
import org.optopt.optimizers.spec.Towers;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Budget;

/**
 * One training run of a study: a task, an optimizer with every setting resolved, a seed and a
 * budget. Its run directory is named by a hash of {@link #config()}, so the same configuration is
 * found again (and never rerun once complete) and different configurations never share a directory.
 *
 * @param index the position in the study's trial order (for {@code --trial-index})
 * @param entry the index of the study's optimizer entry the trial belongs to
 * @param task the task's name
 * @param optimizer the optimizer or tower as the study file writes it
 * @param settings its fixed, grid and sampled settings, applied to it in order
 * @param seed the seed
 * @param budget the training length (resolved: never the task's implicit default)
 * @param batchSize examples per step (resolved)
 * @param evaluations test-split evaluations
 * @param backend the backend's name
 * @param selfTuning whether this is the self-tuning ruleset's defaults-only run
 */
public record Trial(int index, int entry, String task, String optimizer, Map<String, Object> settings, long seed,
        Budget budget, int batchSize, int evaluations, String backend, boolean selfTuning) {

    /** Copies the settings. */
    public Trial {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Everything that determines the trial's results, in a canonical order (settings sorted by
     * name, numbers in Java's shortest round-trip form; a single optimizer's arguments as written
     * count as settings, {@link OptimizerSpecs#writtenArguments}, as they always have). Checkpoint
     * spacing is not part of it: it does not change results.
     */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("task", task);
        c.put("optimizer", optimizer);
        Map<String, String> all = new TreeMap<>();
        arguments().forEach((k, v) -> all.put(k, String.valueOf(v)));
        c.put("settings", all);
        c.put("seed", seed);
        c.put("budget", budget.toString());
        c.put("batch_size", batchSize);
        c.put("evaluations", evaluations);
        c.put("backend", backend);
        return c;
    }

    /** A single optimizer's arguments as written ({@link OptimizerSpecs#writtenArguments}), then the settings. */
    public Map<String, Object> arguments() {
        Map<String, Object> all = new LinkedHashMap<>(OptimizerSpecs.writtenArguments(optimizer));
        all.putAll(settings);
        return all;
    }

    /** The first 16 hex digits of the SHA-256 of {@link #config()}'s text. */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(config().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The run directory's name: task, optimizer name (a tower's whole stack), seed and hash, e.g.
     * {@code mnist-mlp-adam-s0-1f2e...}.
     */
    public String directoryName() {
        String name = name().replaceAll("[^A-Za-z0-9._-]+", "_");
        return task + "-" + (name.length() > 40 ? name.substring(0, 40) : name) + "-s" + seed + "-" + hash();
    }

    private boolean tower() {
        String s = optimizer.strip();
        return s.contains("/") || s.startsWith(Towers.GDTUO_PREFIX);
    }

    /** A single optimizer's name, or a tower's whole stack. */
    private String name() {
        return tower() ? optimizer.strip() : optimizer.strip().split("\\(")[0].strip();
    }

    /** The optimizer with its {@link #arguments()}, e.g. {@code adam(lr=1e-3)} or {@code adam/sgd(1e-5) [level1.lr=2e-5]}. */
    public String label() {
        Map<String, Object> args = arguments();
        if (args.isEmpty()) {
            return name();
        }
        String body = args.entrySet().stream().map(e -> e.getKey() + "="
                + (e.getValue() instanceof Double d ? Numbers.compact(d) : e.getValue())).collect(Collectors.joining(", "));
        return tower() ? name() + " [" + body + "]" : name() + "(" + body + ")";
    }

    /** The trial as a progress line names it, e.g. {@code mnist-mlp adam [lr=0.001] seed 0}. */
    @Override
    public String toString() {
        return task + " " + label() + " seed " + seed + (selfTuning ? " (self-tuning)" : "");
    }
}
