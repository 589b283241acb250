package org.optopt.api.optim;

import java.util.List;
import java.util.Map;

/**
 * An optimizer over a {@link ParameterSet}: each {@link #step()} reads every parameter's gradient
 * and updates its value and the optimizer's state in place.
 *
 * <p>Hyperparameters are per {@link ParameterGroup}: readable and writable between steps, each
 * write validated against its {@link Hyperparameter#domain()} (and the optimizer's cross-checks,
 * e.g. nesterov needs momentum &gt; 0). Structural {@link Choice}s are fixed at creation.
 *
 * <p>{@link #state()} and {@link #loadState(StateDict)} round-trip everything that determines the
 * next steps exactly: step counts, state buffers, hyperparameters, schedule positions. Loading a
 * state of another optimizer, of other options, or of other parameter names or shapes is refused
 * and changes nothing.
 *
 * <p>Non-finite gradients are handled by the {@link NonFinitePolicy} (default {@link NonFinitePolicy#FAIL}).
 * Instances are not thread-safe; {@link #close()} releases the state tensors.
 */
public interface Optimizer extends AutoCloseable {

    /** The registered name of this optimizer, e.g. {@code adam}. */
    String name();

    /** The parameters this optimizer updates. */
    ParameterSet parameters();

    /** The definitions of the real hyperparameters, in a fixed order. */
    List<Hyperparameter> hyperparameterDefinitions();

    /** The structural options this instance was created with, by name. */
    Map<String, String> choices();

    /** The list-valued hyperparameters this instance was created with, by name; none by default. */
    default Map<String, List<Double>> hyperparameterLists() {
        return Map.of();
    }

    /**
     * The current values of the hyperparameters of group {@code group}, by name, in definition
     * order (the base values; a schedule, if one drives a hyperparameter, scales from these).
     *
     * @throws IllegalArgumentException if there is no such group
     */
    Map<String, Double> hyperparameters(String group);

    /** The hyperparameters of the first group. */
    default Map<String, Double> hyperparameters() {
        return hyperparameters(parameters().groups().get(0).name());
    }

    /**
     * Every hyperparameter value the next step will use, by name, for per-step traces (a run's
     * {@code steps.csv}). By default the first group's {@link #hyperparameters()}; optimizers whose
     * effective values differ (several levels of a hypergradient tower, keyed {@code L<level>.<name>})
     * report those.
     */
    default Map<String, Double> trace() {
        return hyperparameters();
    }

    /**
     * Sets hyperparameter {@code name} of group {@code group}, effective from the next step.
     *
     * @throws IllegalArgumentException on an unknown group or name, or a value outside the domain
     *     or failing a cross-check, naming it; nothing changes then
     */
    void setHyperparameter(String group, String name, double value);

    /** Sets hyperparameter {@code name} in every group (validated for all before any changes). */
    void setHyperparameter(String name, double value);

    /** Whether steps skip group {@code group}. */
    boolean isFrozen(String group);

    /** Freezes or unfreezes group {@code group}. */
    void setFrozen(String group, boolean frozen);

    /** The current policy for non-finite gradients. */
    NonFinitePolicy nonFinitePolicy();

    /** Sets the policy for non-finite gradients. */
    void setNonFinitePolicy(NonFinitePolicy policy);

    /**
     * Applies one update to every parameter of every group that is not frozen.
     *
     * @throws IllegalStateException under {@link NonFinitePolicy#FAIL} if a gradient of a stepped
     *     parameter holds NaN or an infinity, naming the parameter; nothing changes then
     */
    void step();

    /**
     * Applies one update with the loss at hand (torch's {@code step(closure)}): optimizers that
     * re-evaluate the loss or bound it along their direction (SafeRate) use {@code closure}; on
     * entry the gradients hold the gradient of {@code closure}'s loss at the current parameters.
     * The default ignores the closure and calls {@link #step()}, so a runner may always pass one.
     *
     * @throws IllegalStateException as {@link #step()}, or naming why the closure does not serve
     *     this optimizer (for example a mini-batch loss given to one that needs a full-batch bound)
     */
    default void step(Closure closure) {
        step();
    }

    /** The number of steps applied (skipped steps excluded). */
    long stepCount();

    /** The number of steps skipped under {@link NonFinitePolicy#SKIP_NON_FINITE}. */
    long skippedSteps();

    /** A host copy of the complete state, independent of later steps. */
    StateDict state();

    /**
     * Replaces the complete state by {@code state}.
     *
     * @throws IllegalArgumentException if the state belongs to another optimizer, other options,
     *     other parameter names or shapes, or lacks or adds buffers, schedules or groups; the message
     *     names the first mismatch and nothing is changed
     */
    void loadState(StateDict state);

    /**
     * Whether this optimizer evaluates the model at other values than it trains at (an averaged
     * iterate: Schedule-Free's x, an exponential or stochastic weight average). Runners that
     * evaluate should do so inside {@link #evaluationView()} either way.
     */
    default boolean averagesParameters() {
        return false;
    }

    /**
     * Writes the evaluation values (the averaged iterate) into the parameter tensors, until the
     * returned view is closed, which restores the training values exactly. Steps must not be taken
     * while a view is open. The default, for optimizers that do not average, changes nothing.
     *
     * @throws IllegalStateException if a view is already open
     */
    default EvaluationView evaluationView() {
        return EvaluationView.IDENTITY;
    }

    /** Releases the optimizer's state tensors (not the parameters); the optimizer is unusable afterwards. */
    @Override
    void close();
}
