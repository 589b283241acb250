package org.optopt.optimizers.hyper;

import java.util.List;
import java.util.Map;

/**
 * The optimizers a tower's levels can be made of, by name: the {@link RegistryCatalog} of every
 * tower-level optimizer of a registry ({@link org.optopt.api.optim.Optimizers}), or a catalog
 * of other conventions (e.g. gdtuo's update rules).
 */
public interface LevelCatalog {

    /** The optimizer names, sorted. */
    List<String> names();

    /**
     * The hyperparameter and option names {@code optimizer} accepts.
     *
     * @throws IllegalArgumentException on an unknown optimizer, listing the known names
     */
    List<String> arguments(String optimizer);

    /**
     * A level of optimizer {@code optimizer}.
     *
     * @param stepSize the step size (its first hyperparameter, e.g. lr), or null for the default
     * @param named hyperparameter values ({@link Double}) and options ({@link Boolean} or
     *     {@link String}) by name; absent ones take their defaults
     * @throws IllegalArgumentException on an unknown optimizer or argument or an invalid value
     */
    LevelSpec level(String optimizer, Double stepSize, Map<String, Object> named);
}
