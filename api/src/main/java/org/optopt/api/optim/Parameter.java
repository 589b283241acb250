package org.optopt.api.optim;

import java.util.Objects;
import org.optopt.api.tensor.Tensor;

/**
 * A trainable tensor with a stable name: its value, updated in place by {@link Optimizer#step()},
 * and its gradient, written by the caller before each step and only read by the optimizer.
 *
 * @param name a stable name (e.g. {@code layer1.weight}); state files are keyed by it
 * @param value the parameter's value, overwritten by each step
 * @param gradient the gradient of the loss at {@code value}; same shape as {@code value}
 */
public record Parameter(String name, Tensor value, Tensor gradient) {
    /** Validates that the name is not blank and the shapes agree. */
    public Parameter {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A parameter name must not be blank");
        }
        Objects.requireNonNull(value, "value of parameter " + name);
        Objects.requireNonNull(gradient, "gradient of parameter " + name);
        if (!value.shape().equals(gradient.shape())) {
            throw new IllegalArgumentException("Parameter " + name + ": gradient shape " + gradient.shape()
                    + " differs from value shape " + value.shape());
        }
        if (value == gradient) {
            throw new IllegalArgumentException("Parameter " + name + ": value and gradient are the same tensor");
        }
    }
}
