package org.optopt.api.optim;

import java.util.List;
import java.util.Objects;

/**
 * The definition of a structural option, fixed when the optimizer is created because it changes
 * the update rule's form (which state buffers exist, which branch runs), e.g. {@code nesterov},
 * {@code amsgrad}, {@code centered} or Roaree's {@code surrogate}. Boolean flags have the values
 * {@code false} and {@code true}.
 *
 * @param name the option's name
 * @param defaultValue the value used when the configuration gives none; one of {@code values}
 * @param values the allowed values
 * @param description one line on the option's role
 */
public record Choice(String name, String defaultValue, List<String> values, String description) {
    /** Validates the definition. */
    public Choice {
        Objects.requireNonNull(name, "name");
        values = List.copyOf(values);
        Objects.requireNonNull(description, "description of " + name);
        if (!values.contains(defaultValue)) {
            throw new IllegalArgumentException("Choice " + name + ": default '" + defaultValue + "' is not one of " + values);
        }
    }

    /** A boolean flag. */
    public static Choice flag(String name, boolean defaultValue, String description) {
        return new Choice(name, Boolean.toString(defaultValue), List.of("false", "true"), description);
    }

    /** Whether this is a boolean flag. */
    public boolean isFlag() {
        return values.equals(List.of("false", "true"));
    }

    /**
     * Returns {@code value} if allowed.
     *
     * @throws IllegalArgumentException naming this option, the value and the allowed values otherwise
     */
    public String require(String value) {
        if (!values.contains(value)) {
            throw new IllegalArgumentException("Invalid " + name + " = " + value + ": must be one of " + values);
        }
        return value;
    }

    /** {@code name = default (one of ...): description}. */
    @Override
    public String toString() {
        return name + " = " + defaultValue + " (one of " + String.join(", ", values) + "): " + description;
    }
}
