package org.optopt.tasks.suite;

import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.ParameterSet;
import org.optopt.tasks.nn.ParameterStore;

/**
 * A problem whose parameters live in one {@link ParameterStore}: the backend and the parameter
 * set are the store's. Subclasses close the store in {@link #close()}, after what depends on it.
 */
abstract class StoredProblem implements TrainingProblem {
    /** The trained parameters, owned by this problem. */
    protected final ParameterStore params;

    /** Takes ownership of {@code params}. */
    StoredProblem(ParameterStore params) {
        this.params = Objects.requireNonNull(params, "params");
    }

    @Override
    public final Backend backend() {
        return params.backend();
    }

    @Override
    public final ParameterSet parameters() {
        return params.asParameterSet();
    }
}
