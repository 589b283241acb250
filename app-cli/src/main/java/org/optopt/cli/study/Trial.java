package org.optopt.cli.study;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.optopt.tasks.suite.Budget;

/**
 * One training run of a study: a task, an optimizer with every setting resolved, a seed and a
 * budget. Its run directory is named by a hash of {@link #config()}, so the same configuration is
 * found again (and never rerun once complete) and different configurations never share a directory.
 *
 * @param index the position in the study's trial order (for {@code --trial-index})
 * @param entry the index of the study's optimizer entry the trial belongs to
 * @param task the task's name
 * @param optimizer the optimizer with its fixed, grid and sampled settings
 * @param seed the seed
 * @param budget the training length (resolved: never the task's implicit default)
 * @param batchSize examples per step (resolved)
 * @param evaluations test-split evaluations
 * @param backend the backend's name
 * @param selfTuning whether this is the self-tuning ruleset's defaults-only run
 */
public record Trial(int index, int entry, String task, StudyOptimizer optimizer, long seed, Budget budget,
        int batchSize, int evaluations, String backend, boolean selfTuning) {

    /**
     * Everything that determines the trial's results, in a canonical order (settings sorted by
     * name, numbers in Java's shortest round-trip form). Checkpoint spacing is not part of it: it
     * does not change results.
     */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("task", task);
        c.put("optimizer", optimizer.text());
        Map<String, String> settings = new TreeMap<>();
        optimizer.settings().forEach((k, v) -> settings.put(k, String.valueOf(v)));
        c.put("settings", settings);
        c.put("seed", seed);
        c.put("budget", budget.toString());
        c.put("batch_size", batchSize);
        c.put("evaluations", evaluations);
        c.put("backend", backend);
        return c;
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

    /** The run directory's name: task, optimizer name, seed and hash, e.g. {@code mnist-mlp-adam-s0-1f2e...}. */
    public String directoryName() {
        String name = optimizer.name().replaceAll("[^A-Za-z0-9._-]+", "_");
        return task + "-" + (name.length() > 40 ? name.substring(0, 40) : name) + "-s" + seed + "-" + hash();
    }

    /** The settings as the command line would name the trial, e.g. {@code adam(lr=0.001)}. */
    @Override
    public String toString() {
        return task + " " + optimizer + " seed " + seed + (selfTuning ? " (self-tuning)" : "");
    }
}
