package org.optopt.tasks.nn;

import java.util.Objects;
import org.optopt.api.tensor.Tensor;

/**
 * A trainable tensor with its gradient buffer of the same shape. Backward passes add into
 * {@code grad}; training code zeroes it before each step and an optimizer reads it.
 *
 * @param name unique within its {@link ParameterSet}, e.g. {@code "fc1.weight"}
 * @param value the parameter, updated in place by optimizers
 * @param grad the gradient of the last loss with respect to {@code value}
 */
public record NamedParameter(String name, Tensor value, Tensor grad) {
    /** Checks that the names and tensors are present and the shapes agree. */
    public NamedParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value of " + name);
        Objects.requireNonNull(grad, "grad of " + name);
        if (!value.shape().equals(grad.shape())) {
            throw new IllegalArgumentException("Parameter " + name + ": value shape " + value.shape()
                    + " differs from gradient shape " + grad.shape());
        }
    }
}
