package org.optopt.tasks.suite;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;

/** A {@link Task} defined by its metadata and a factory. */
record SuiteTask(String name, String description, List<DataRequirement> dataRequirements, int defaultBatchSize,
        Budget defaultBudget, Target target, Factory factory) implements Task {

    /** Creates a problem from independent seeds for initialization and sampling. */
    @FunctionalInterface
    interface Factory {
        TrainingProblem create(Backend backend, DataSource data, Seeds seeds, int batchSize) throws IOException;
    }

    /**
     * The seeds of one run, derived from the run seed by {@link SplittableRandom}: the first
     * {@code nextLong()} initializes the model, the second orders the mini-batches.
     */
    record Seeds(long init, long sampling) {
        static Seeds of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            return new Seeds(r.nextLong(), r.nextLong());
        }
    }

    SuiteTask {
        Objects.requireNonNull(name, "name");
        dataRequirements = List.copyOf(dataRequirements);
    }

    @Override
    public TrainingProblem instantiate(Backend backend, DataSource data, long seed, int batchSize)
            throws IOException {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Task " + name + ": batch size must be positive, got " + batchSize);
        }
        if (!dataRequirements.isEmpty()) {
            Objects.requireNonNull(data, "Task " + name + " needs a data source");
        }
        return factory.create(backend, data, Seeds.of(seed), batchSize);
    }

    @Override
    public String toString() {
        return name;
    }
}
