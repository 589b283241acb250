package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseRule;

/**
 * One level of a hypergradient tower, before it is bound to parameters: an elementwise update
 * rule, its hyperparameters and their values, and which of them the level above learns.
 *
 * @param optimizer the level's optimizer name, e.g. {@code adam}
 * @param rule the update rule
 * @param hyperparameters the definitions of the rule's real hyperparameters (names, domains and
 *     thereby {@link org.optopt.api.optim.Reparameterization}s)
 * @param values a value of every hyperparameter, in definition order
 * @param choices the structural options the rule was built with (for names and state files)
 * @param learnable the hyperparameters the level above learns, in order; each a scalar of the rule's kernel
 * @param learnableGiven whether {@code learnable} was given explicitly (else it is the optimizer's
 *     default, dropped silently when nothing sits above this level)
 * @param frozen whether the level keeps its parameters fixed (it still reports hypergradients);
 *     the only way a level may have a step size of 0
 * @param check the optimizer's cross-checks between values, run after every hyperparameter change
 * @param direction for a non-elementwise optimizer, the source of the direction {@code D} that the
 *     rule {@code p = p - lr*D} reads as its state buffer {@link DirectionSource#buffer()}; else null
 */
public record LevelSpec(String optimizer, ElementwiseRule rule, List<Hyperparameter> hyperparameters,
                        Map<String, Double> values, Map<String, String> choices, List<String> learnable,
                        boolean learnableGiven, boolean frozen, CrossCheck check, DirectionSource direction) {

    /** Constraints between hyperparameter values beyond each one's domain. */
    @FunctionalInterface
    public interface CrossCheck {
        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException naming the offending values
         */
        void check(Map<String, Double> values);
    }

    /** Validates and copies; every learnable name must be a hyperparameter scalar of the rule. */
    public LevelSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(rule, "rule of " + optimizer);
        hyperparameters = List.copyOf(hyperparameters);
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        choices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(choices));
        learnable = List.copyOf(learnable);
        Objects.requireNonNull(check, "check");
        for (Hyperparameter h : hyperparameters) {
            Double v = values.get(h.name());
            if (v == null) {
                throw new IllegalArgumentException("Level " + optimizer + ": hyperparameter " + h.name() + " has no value");
            }
            h.require(v);
        }
        for (String h : learnable) {
            if (!rule.hyperparameterScalars().contains(h)) {
                throw new IllegalArgumentException("Unknown learnable hyperparameter '" + h + "' of " + optimizer
                        + "; learnable: " + rule.hyperparameterScalars());
            }
        }
        if (new HashSet<>(learnable).size() != learnable.size()) {
            throw new IllegalArgumentException("Level " + optimizer + ": learnable hyperparameters repeat: " + learnable);
        }
        check.check(values);
        if (direction != null && !rule.stateBufferNames().contains(direction.buffer())) {
            throw new IllegalArgumentException("Level " + optimizer + ": the rule has no state buffer "
                    + direction.buffer() + " for the direction");
        }
    }

    /** The definition of hyperparameter {@code name}, or an exception listing the known names. */
    public Hyperparameter hyperparameter(String name) {
        for (Hyperparameter h : hyperparameters) {
            if (h.name().equals(name)) {
                return h;
            }
        }
        throw new IllegalArgumentException("Unknown hyperparameter '" + name + "' of " + optimizer + "; known: "
                + hyperparameters.stream().map(Hyperparameter::name).toList());
    }

    /** This level with hyperparameter {@code name} set to {@code value} (validated). */
    public LevelSpec with(String name, double value) {
        hyperparameter(name);
        Map<String, Double> v = new LinkedHashMap<>(values);
        v.put(name, value);
        return new LevelSpec(optimizer, rule, hyperparameters, v, choices, learnable, learnableGiven, frozen, check,
                direction);
    }

    /** This level learning exactly {@code names}. */
    public LevelSpec learning(List<String> names) {
        return new LevelSpec(optimizer, rule, hyperparameters, values, choices, new ArrayList<>(names), true, frozen,
                check, direction);
    }

    /** This level, frozen or not. */
    public LevelSpec frozen(boolean freeze) {
        return new LevelSpec(optimizer, rule, hyperparameters, values, choices, learnable, learnableGiven, freeze,
                check, direction);
    }

    /** The step size: the first hyperparameter (the learning rate, or gdtuo's alpha). */
    public String stepSize() {
        return hyperparameters.get(0).name();
    }
}
