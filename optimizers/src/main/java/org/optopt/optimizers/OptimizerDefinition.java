package org.optopt.optimizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.tensor.Tensor;

/**
 * The common part of every optimizer provider here: its name, description, hyperparameter and
 * option definitions (each default stated once, here), resolution of a user configuration
 * against them, and the optimizer's cross-checks between values (e.g. nesterov needs momentum).
 */
public abstract class OptimizerDefinition implements OptimizerProvider {
    private final String name;
    private final String description;
    private final List<Hyperparameter> hyperparameters;
    private final List<HyperparameterList> lists;
    private final List<Choice> choices;

    /** Defines an optimizer without list-valued hyperparameters. */
    protected OptimizerDefinition(String name, String description, List<Hyperparameter> hyperparameters,
                                  List<Choice> choices) {
        this(name, description, hyperparameters, List.of(), choices);
    }

    /** Defines an optimizer with list-valued hyperparameters (candidate sets) besides its real ones. */
    protected OptimizerDefinition(String name, String description, List<Hyperparameter> hyperparameters,
                                  List<HyperparameterList> lists, List<Choice> choices) {
        this.name = name;
        this.description = description;
        this.hyperparameters = List.copyOf(hyperparameters);
        this.lists = List.copyOf(lists);
        this.choices = List.copyOf(choices);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final List<Hyperparameter> hyperparameters() {
        return hyperparameters;
    }

    @Override
    public final List<HyperparameterList> hyperparameterLists() {
        return lists;
    }

    @Override
    public final List<Choice> choices() {
        return choices;
    }

    /**
     * The definition of hyperparameter {@code hyperparameter}.
     *
     * @throws IllegalArgumentException listing the known names if there is none
     */
    public final Hyperparameter hyperparameter(String hyperparameter) {
        for (Hyperparameter h : hyperparameters) {
            if (h.name().equals(hyperparameter)) {
                return h;
            }
        }
        throw new IllegalArgumentException("Unknown hyperparameter '" + hyperparameter + "' for optimizer " + name
                + "; its hyperparameters are " + hyperparameters.stream().map(Hyperparameter::name).toList());
    }

    /**
     * A configuration resolved against the definitions: every hyperparameter and option present.
     *
     * @param hyperparameters values of every hyperparameter, in definition order
     * @param choices values of every option, in definition order
     * @param lists values of every list-valued hyperparameter, in definition order
     */
    public record Config(Map<String, Double> hyperparameters, Map<String, String> choices,
                         Map<String, List<Double>> lists) {
        /** Copies the maps, keeping their order. */
        public Config {
            hyperparameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
            choices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(choices));
            lists = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lists));
        }
    }

    /**
     * Resolves a user configuration: values ({@link Number}s) for hyperparameters, {@link List}s of
     * numbers for list-valued hyperparameters (a single number is a list of one), {@link Boolean}s
     * or {@link String}s for options; absent names take their defaults.
     *
     * @throws IllegalArgumentException on an unknown name, a value of the wrong kind, a value
     *     outside its domain, an invalid list or a failed cross-check, naming the name and value
     */
    public final Config resolve(Map<String, ?> config) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, String> chosen = new LinkedHashMap<>();
        Map<String, List<Double>> listValues = new LinkedHashMap<>();
        for (Hyperparameter h : hyperparameters) {
            values.put(h.name(), h.defaultValue());
        }
        for (Choice c : choices) {
            chosen.put(c.name(), c.defaultValue());
        }
        for (HyperparameterList l : lists) {
            listValues.put(l.name(), l.defaultValue());
        }
        for (Map.Entry<String, ?> e : config.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            if (values.containsKey(key)) {
                if (!(v instanceof Number n) || v instanceof Boolean) {
                    throw new IllegalArgumentException("Hyperparameter " + key + " of optimizer " + name
                            + " needs a number, got " + v);
                }
                values.put(key, n.doubleValue());
            } else if (chosen.containsKey(key)) {
                if (!(v instanceof Boolean || v instanceof String)) {
                    throw new IllegalArgumentException("Option " + key + " of optimizer " + name
                            + " needs a boolean or a string, got " + v);
                }
                chosen.put(key, choice(key).require(String.valueOf(v)));
            } else if (listValues.containsKey(key)) {
                listValues.put(key, list(key).require(numbers(key, v)));
            } else {
                throw new IllegalArgumentException("Unknown hyperparameter '" + key + "' = " + v + " for optimizer "
                        + name + "; known: " + knownNames());
            }
        }
        validate(values, chosen);
        return new Config(values, chosen, listValues);
    }

    private List<Double> numbers(String key, Object v) {
        if (v instanceof Number n && !(v instanceof Boolean)) {
            return List.of(n.doubleValue());
        }
        if (v instanceof List<?> items && items.stream().allMatch(x -> x instanceof Number && !(x instanceof Boolean))) {
            return items.stream().map(x -> ((Number) x).doubleValue()).toList();
        }
        throw new IllegalArgumentException("Hyperparameter " + key + " of optimizer " + name
                + " needs a list of numbers such as 0.5,0.9, got '" + v + "'");
    }

    /**
     * The definition of list-valued hyperparameter {@code list}.
     *
     * @throws IllegalArgumentException listing the known names if there is none
     */
    public final HyperparameterList list(String list) {
        for (HyperparameterList l : lists) {
            if (l.name().equals(list)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Unknown list hyperparameter '" + list + "' for optimizer " + name
                + "; its list hyperparameters are " + lists.stream().map(HyperparameterList::name).toList());
    }

    /**
     * The options {@code given} completed with defaults and validated.
     *
     * @throws IllegalArgumentException on an unknown option or value
     */
    public final Map<String, String> resolveChoices(Map<String, String> given) {
        Map<String, String> chosen = new LinkedHashMap<>();
        for (Choice c : choices) {
            chosen.put(c.name(), c.defaultValue());
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!chosen.containsKey(e.getKey())) {
                throw new IllegalArgumentException("Unknown option '" + e.getKey() + "' = " + e.getValue()
                        + " for optimizer " + name + "; known: " + knownNames());
            }
            chosen.put(e.getKey(), choice(e.getKey()).require(e.getValue()));
        }
        return chosen;
    }

    /**
     * Checks every value against its domain and then the optimizer's cross-checks.
     *
     * @throws IllegalArgumentException naming the first invalid hyperparameter and its value
     */
    public final void validate(Map<String, Double> values, Map<String, String> chosen) {
        for (Hyperparameter h : hyperparameters) {
            Double v = values.get(h.name());
            if (v == null) {
                throw new IllegalArgumentException("Hyperparameter " + h.name() + " of optimizer " + name + " has no value");
            }
            h.require(v);
        }
        crossCheck(values, chosen);
    }

    /**
     * Checks constraints between values beyond the single domains; the default checks nothing.
     *
     * @throws IllegalArgumentException naming the offending values
     */
    protected void crossCheck(Map<String, Double> values, Map<String, String> chosen) {
    }

    private Choice choice(String option) {
        for (Choice c : choices) {
            if (c.name().equals(option)) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown option '" + option + "' for optimizer " + name);
    }

    private List<String> knownNames() {
        List<String> all = new java.util.ArrayList<>(hyperparameters.stream().map(Hyperparameter::name).toList());
        lists.forEach(l -> all.add(l.name()));
        choices.forEach(c -> all.add(c.name()));
        return all;
    }

    /**
     * This optimizer in the conventions {@code convention} (e.g. {@link Variant#GDTUO}), an
     * elementwise rule of that implementation; the default has none.
     */
    public Optional<Variant> variant(String convention) {
        return Optional.empty();
    }

    /**
     * The live direction {@code D} of parameter {@code parameter} in {@code optimizer} (created by
     * this definition), for a non-elementwise tower level whose step is {@code p = p - lr*D}: the
     * level runs the optimizer with {@code lr = 0} and applies the step itself, so {@code lr} is
     * learnable.
     *
     * @throws UnsupportedOperationException for an optimizer that is no such level (the default)
     */
    public Tensor direction(Optimizer optimizer, String parameter) {
        throw new UnsupportedOperationException("Optimizer " + name + " does not step along a direction");
    }

    @Override
    public String toString() {
        return name;
    }
}
