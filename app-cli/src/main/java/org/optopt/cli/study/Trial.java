package org.optopt.cli.study;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param threads threads of each step (data parallel; the trajectory depends on it)
 * @param selfTuning whether this is the self-tuning ruleset's defaults-only run
 * @param learned where some settings come from the end of other trials, or null
 */
public record Trial(int index, int entry, String task, StudyOptimizer optimizer, long seed, Budget budget,
        int batchSize, int evaluations, String backend, int threads, boolean selfTuning, Learned learned) {

    /**
     * Settings a trial takes from the last {@code steps.csv} row of other trials (see
     * {@link Study.Learned}); they are resolved when the trial starts, once its sources are finished.
     *
     * @param sources the trials whose values are averaged
     * @param hyperparameters the names taken
     * @param level the sources' tower level the values come from
     */
    public record Learned(List<Trial> sources, List<String> hyperparameters, int level) {
        /** Copies the lists. */
        public Learned {
            sources = List.copyOf(sources);
            hyperparameters = List.copyOf(hyperparameters);
        }

        /** The {@code steps.csv} column of {@code name}: {@code L<level>.<name>} in a tower's log, else the name. */
        public String column(String name, java.util.Set<String> columns) {
            String tower = "L" + level + "." + name;
            return columns.contains(tower) || level > 0 ? tower : name;
        }
    }

    /**
     * Everything that determines the trial's results, in a canonical order (settings sorted by
     * name, numbers in Java's shortest round-trip form). Checkpoint spacing is not part of it: it
     * does not change results. Learned settings enter as the recipe (names, level and the sources'
     * hashes), known before the sources finish, so the directory's name never changes.
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
        if (threads > 1) { // absent on one thread, so that the trials of studies from before keep their hashes
            c.put("threads", threads);
        }
        if (learned != null) {
            Map<String, Object> recipe = new TreeMap<>();
            recipe.put("hyperparameters", learned.hyperparameters());
            recipe.put("level", learned.level());
            recipe.put("from", learned.sources().stream().map(Trial::hash).toList());
            c.put("learned", recipe);
        }
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
        return task + " " + optimizer + (learned == null ? "" : " with " + String.join(", ", learned.hyperparameters())
                + " learned by " + learned.sources().size() + " trial(s)") + " seed " + seed
                + (selfTuning ? " (self-tuning)" : "");
    }
}
