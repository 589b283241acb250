package org.optopt.api.optim;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;

/**
 * The service-provider interface of optimizers, discovered with {@link java.util.ServiceLoader}
 * (see {@link Optimizers}). A provider is cheap to list: its name, definitions and printed update
 * rule need no backend.
 *
 * <p>Register an implementation with {@code provides org.optopt.api.optim.OptimizerProvider with ...}
 * in {@code module-info.java} and in {@code META-INF/services/org.optopt.api.optim.OptimizerProvider}.
 */
public interface OptimizerProvider {

    /** A short unique lower-case name, e.g. {@code adam}. */
    String name();

    /** One line on what the optimizer does, with its source. */
    String description();

    /** The real hyperparameters with their defaults and domains. */
    List<Hyperparameter> hyperparameters();

    /** The structural options. */
    List<Choice> choices();

    /**
     * What this optimizer can do (elementwise, matrix, usable as a tower level and learning which
     * hyperparameters there, averaged evaluation view); by default none of these.
     */
    default Capabilities capabilities() {
        return Capabilities.NONE;
    }

    /** The list-valued hyperparameters (candidate sets, fixed at creation); none by default. */
    default List<HyperparameterList> hyperparameterLists() {
        return List.of();
    }

    /**
     * The update rule for the given options (defaults for those not given) as text: for an
     * elementwise optimizer its kernel ({@code Kernel.toString()}), else its formula.
     *
     * @throws IllegalArgumentException on an unknown or invalid option
     */
    String updateRule(Map<String, String> choices);

    /**
     * Creates an optimizer.
     *
     * @param backend the backend that owns the parameter tensors (and will own the state)
     * @param parameters the parameters to update
     * @param config hyperparameter values ({@link Number}), list-valued hyperparameters ({@link List}
     *     of {@link Number}) and options ({@link Boolean} or {@link String}) by name; absent ones take
     *     their defaults, group overrides take precedence
     * @throws IllegalArgumentException on an unknown name or an invalid value, naming both
     */
    Optimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config);
}
