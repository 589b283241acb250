package org.optopt.tasks.suite;

import java.io.IOException;
import java.util.List;
import org.optopt.api.backend.Backend;

/**
 * A benchmark problem of the suite: what it is, what data it needs, how long it trains by default
 * and when it counts as solved; {@link #instantiate} creates a fresh {@link TrainingProblem}.
 */
public interface Task {
    /** The name used on the command line, e.g. {@code mnist-mlp}. */
    String name();

    /** One paragraph: model, loss, data, provenance of the settings. */
    String description();

    /** The data-set files needed (empty for synthetic tasks). */
    List<DataRequirement> dataRequirements();

    /** The default mini-batch size. */
    int defaultBatchSize();

    /** The default training budget. */
    Budget defaultBudget();

    /** The level at which the task counts as solved. */
    Target target();

    /**
     * A new problem on {@code backend}. {@code seed} determines the initialization and the
     * mini-batch order (not the data, which are fixed per task).
     *
     * @throws IOException if a data file cannot be read
     * @throws IllegalArgumentException if the batch size is not valid for the task
     */
    TrainingProblem instantiate(Backend backend, DataSource data, long seed, int batchSize) throws IOException;

    /** A new problem with the default batch size. */
    default TrainingProblem instantiate(Backend backend, DataSource data, long seed) throws IOException {
        return instantiate(backend, data, seed, defaultBatchSize());
    }
}
