package org.optopt.api.probe;

import java.util.Map;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;

/**
 * A statistic probe: observes the gradients of a {@link ParameterSet} once per step and keeps
 * streaming estimates of gradient statistics.
 *
 * <p>Contract: {@link #observe} only reads the parameters' gradients (never values or gradients are
 * written), so attaching a probe changes no optimizer's numbers. Statistics are host values,
 * available after the first observation; a non-finite gradient makes the affected statistics
 * non-finite (never silently dropped), and consumers such as designs refuse them. Instances are
 * not thread-safe; {@link #close()} releases the probe's state tensors.
 */
public interface Probe extends AutoCloseable {

    /** The probe's name, e.g. {@code second-moment}; columns in {@code steps.csv} are {@code probe.<name>.<statistic>}. */
    String name();

    /**
     * Observes the current gradients of {@code parameters} (the same set at every call).
     *
     * @throws IllegalArgumentException if the set differs in names or shapes from the one the probe was created for
     */
    void observe(ParameterSet parameters);

    /**
     * Says that the next observation does not directly follow the last one (steps were skipped,
     * e.g. by sampling); probes of lagged statistics restart their history. By default nothing.
     */
    default void gap() {}

    /** The number of observations so far. */
    long observations();

    /**
     * The scalar statistics by name, in a fixed order: global ones (e.g. {@code sq_norm}) and
     * per-parameter ones ({@code <parameter>.<statistic>}). Empty before the first observation.
     */
    Map<String, Double> statistics();

    /**
     * A host copy of the probe's complete streaming state, so that a checkpointed run continues with
     * bit-identical statistics: {@link StateDict#optimizer()} is the probe's {@link #name()}, the
     * parameters those it observes, {@link StateDict#stepCount()} its {@link #observations()}, and
     * its estimates are scalars and state buffers under keys the probe chooses.
     */
    StateDict state();

    /**
     * Restores a state that {@link #state()} of a probe of the same kind, over the same parameters,
     * returned.
     *
     * @throws IllegalArgumentException if the state is another probe's or for other parameters
     */
    void loadState(StateDict state);

    /** Releases the probe's state tensors. */
    @Override
    void close();
}
