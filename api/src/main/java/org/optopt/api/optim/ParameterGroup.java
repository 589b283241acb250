package org.optopt.api.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters that share hyperparameter values, as in torch.optim's parameter groups: e.g. biases
 * with another {@code lr}, or a frozen group that {@link Optimizer#step()} leaves untouched
 * (values and state).
 *
 * @param name the group's name (unique within a {@link ParameterSet})
 * @param parameters the group's parameters, at least one
 * @param overrides hyperparameter values that replace the optimizer-wide configuration for this group
 * @param frozen whether steps skip this group
 */
public record ParameterGroup(String name, List<Parameter> parameters, Map<String, Double> overrides, boolean frozen) {
    /** Validates and copies the arguments. */
    public ParameterGroup {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A parameter group name must not be blank");
        }
        parameters = List.copyOf(parameters);
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("Parameter group " + name + " has no parameters");
        }
        overrides = Map.copyOf(Objects.requireNonNull(overrides, "overrides"));
    }

    /** A group without overrides, not frozen. */
    public static ParameterGroup of(String name, List<Parameter> parameters) {
        return new ParameterGroup(name, parameters, Map.of(), false);
    }

    /** This group with hyperparameter {@code hyperparameter} set to {@code value} for its members. */
    public ParameterGroup with(String hyperparameter, double value) {
        Map<String, Double> o = new LinkedHashMap<>(overrides);
        o.put(hyperparameter, value);
        return new ParameterGroup(name, parameters, o, frozen);
    }

    /** This group, frozen. */
    public ParameterGroup freeze() {
        return new ParameterGroup(name, parameters, overrides, true);
    }
}
