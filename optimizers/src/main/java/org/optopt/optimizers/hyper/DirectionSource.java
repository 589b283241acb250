package org.optopt.optimizers.hyper;

import org.optopt.api.backend.Backend;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;

/**
 * A non-elementwise optimizer whose update is {@code p = p - lr*D}, with a direction {@code D}
 * that does not depend on {@code lr} (e.g. Shampoo: {@code D} = its momentum buffer of
 * preconditioned gradients). A tower level runs it to compute {@code D} and then applies the
 * elementwise rule {@code p = p - lr*D} itself, so {@code d p_new / d lr = -D} comes from the same
 * automatic differentiation as every other rule: the step size of such an optimizer is learnable.
 */
public interface DirectionSource {

    /** The state buffer of the level's rule that {@link Bound#direction} provides. */
    String buffer();

    /**
     * Binds the optimizer to {@code parameters} (owned by {@code backend}).
     *
     * @throws IllegalArgumentException on invalid hyperparameters
     */
    Bound bind(Backend backend, ParameterSet parameters);

    /** A direction source bound to parameters. */
    interface Bound extends AutoCloseable {

        /** Advances the optimizer by one step without moving the parameters, writing {@code D}. */
        void compute();

        /** The live direction tensor of parameter {@code parameter} (owned by the optimizer). */
        Tensor direction(String parameter);

        /** Sets a hyperparameter other than the step size. */
        void setHyperparameter(String group, String name, double value);

        /** Freezes or unfreezes a group. */
        void setFrozen(String group, boolean frozen);

        /** The optimizer's complete state. */
        StateDict state();

        /** Restores {@link #state()}; refuses a mismatching state and changes nothing then. */
        void loadState(StateDict state);

        /** Releases the optimizer's state. */
        @Override
        void close();
    }
}
