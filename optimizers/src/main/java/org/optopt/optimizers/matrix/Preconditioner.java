package org.optopt.optimizers.matrix;

import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * The matrix step of a {@link MatrixOptimizer}: per parameter, the direction {@code P} from the
 * gradient {@code G} (after the optimizer's elementwise head), both viewed as matrices. It keeps
 * its own state (saved with the optimizer's) and workspace.
 */
public interface Preconditioner {

    /** Where a parameter's tensors are registered. */
    interface Tensors {
        /** Registers {@code t} as state tensor {@code name} (saved and loaded) and returns it. */
        Tensor state(String name, Tensor t);

        /** Registers {@code t} as workspace (closed with the optimizer) and returns it. */
        Tensor work(Tensor t);

        /** A new {@code n x n} identity matrix. */
        Tensor identity(int n);
    }

    /** The preconditioner of one parameter. */
    @FunctionalInterface
    interface Bound {
        /**
         * Writes {@code p = P(g)}.
         *
         * @param g the gradient as a matrix (read only)
         * @param p the direction, overwritten
         * @param hyper the hyperparameters of the parameter's group
         * @param steps the steps the parameter has taken before this one (0 on the first)
         */
        void precondition(Tensor g, Tensor p, Map<String, Double> hyper, long steps);
    }

    /**
     * Allocates the state of parameter {@code parameter}, viewed as a matrix of shape {@code matrix}.
     *
     * @param parameter the parameter's name, for messages
     */
    Bound bind(Backend backend, String parameter, Shape matrix, Tensors tensors);
}
