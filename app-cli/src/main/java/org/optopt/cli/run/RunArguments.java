package org.optopt.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.optimizers.spec.OptimizerSpec;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Budget;

/**
 * What one run was started with, saved as {@code run.json} in its directory so that
 * {@code optopt run --resume DIR} continues it with exactly the same arguments. Setting values
 * keep their JSON types (numbers in full double precision).
 *
 * @param task the task's name
 * @param optimizer the optimizer or tower in the spec language ({@link OptimizerSpecs}); a run started
 *     by {@code run} or {@code compare} records its canonical resolved spec here
 * @param settings settings applied to it in order (a study trial's sweep values; none for a canonical spec)
 * @param seed the seed
 * @param batchSize examples per step, 0 for the task's default
 * @param budget the training length, or null for the task's default
 * @param evaluations test-split evaluations
 * @param checkpointEvery steps between checkpoints
 * @param threads threads of each step's loss and gradient (data parallel; see
 *     {@link org.optopt.tasks.training.RunOptions#threads()}); 1 where {@code run.json} has none
 */
public record RunArguments(String task, String optimizer, Map<String, Object> settings, long seed, int batchSize,
        Budget budget, int evaluations, int checkpointEvery, int threads) {
    /** The file's name in a run directory. */
    public static final String FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the settings; checks the counts. */
    public RunArguments {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        if (evaluations < 1 || checkpointEvery < 1 || threads < 1) {
            throw new IllegalArgumentException("evaluations, checkpoint spacing and threads must be at least 1, got "
                    + evaluations + ", " + checkpointEvery + " and " + threads);
        }
    }

    /** Arguments of a run on one thread. */
    public RunArguments(String task, String optimizer, Map<String, Object> settings, long seed, int batchSize,
            Budget budget, int evaluations, int checkpointEvery) {
        this(task, optimizer, settings, seed, batchSize, budget, evaluations, checkpointEvery, 1);
    }

    /**
     * The optimizer with its settings, resolved against {@code specs}.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public OptimizerSpec spec(OptimizerSpecs specs) {
        return specs.set(specs.parse(optimizer), settings);
    }

    /** The text of {@code run.json}. */
    String json() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("optimizer", optimizer);
        m.put("settings", settings);
        m.put("seed", seed);
        m.put("batch_size", batchSize);
        m.put("budget", budget == null ? null : Map.of("count", budget.count(), "unit", budget.unit().name()));
        m.put("evaluations", evaluations);
        m.put("checkpoint_every", checkpointEvery);
        m.put("threads", threads);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
    }

    /**
     * Reads {@code run.json} from {@code dir}.
     *
     * @throws IllegalArgumentException if {@code dir} is not a run directory with arguments
     */
    @SuppressWarnings("unchecked")
    static RunArguments read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " is not a resumable run directory (no " + FILE + ")");
        }
        Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
        Map<String, Object> b = (Map<String, Object>) m.get("budget");
        return new RunArguments((String) m.get("task"), (String) m.get("optimizer"),
                (Map<String, Object>) m.get("settings"), ((Number) m.get("seed")).longValue(),
                ((Number) m.get("batch_size")).intValue(),
                b == null ? null : new Budget(((Number) b.get("count")).longValue(), Budget.Unit.valueOf((String) b.get("unit"))),
                ((Number) m.get("evaluations")).intValue(), ((Number) m.get("checkpoint_every")).intValue(),
                m.get("threads") == null ? 1 : ((Number) m.get("threads")).intValue());
    }
}
