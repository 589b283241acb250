package org.optopt.cli.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.ParameterAveraging;
import org.optopt.optimizers.hyper.HyperOptimizer;
import org.optopt.optimizers.hyper.LevelSpec;
import org.optopt.optimizers.hyper.Towers;

/**
 * Turns an {@link OptimizerSpec} into an optimizer factory, checking every setting's name and
 * domain first, so that mistakes are reported before any data is loaded.
 *
 * @param spec the optimizer as the user named it
 * @param create builds the optimizer over a problem's parameters
 * @param hyperparameters the initial value of every hyperparameter and option, defaults included
 *     (a tower's as {@code L<k>.<name>}, the names of its {@code steps.csv} columns)
 */
record OptimizerFactory(OptimizerSpec spec, BiFunction<Backend, ParameterSet, Optimizer> create,
        Map<String, Object> hyperparameters) {
    private static final String LEVEL_PREFIX = "level";

    /** The setting that wraps any optimizer in {@link ParameterAveraging}: {@code average=ema:0.999} or {@code swa:START}. */
    static final String AVERAGE = "average";

    /** Copies the values. */
    OptimizerFactory {
        hyperparameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /**
     * The factory for {@code spec}.
     *
     * @throws IllegalArgumentException on an unknown optimizer, level or setting, or a value outside its domain
     */
    static OptimizerFactory of(OptimizerSpec spec, Optimizers registry) {
        Object average = spec.settings().get(AVERAGE);
        if (average == null) {
            return spec.tower() ? tower(spec) : single(spec, registry);
        }
        ParameterAveraging.validate(String.valueOf(average));
        Map<String, Object> rest = new LinkedHashMap<>(spec.settings());
        rest.remove(AVERAGE);
        OptimizerFactory inner = of(new OptimizerSpec(spec.text(), spec.name(), rest, spec.tower()), registry);
        Map<String, Object> values = new LinkedHashMap<>(inner.hyperparameters());
        values.put(AVERAGE, String.valueOf(average));
        return new OptimizerFactory(spec, (backend, params) -> new ParameterAveraging(inner.create().apply(backend, params),
                backend, String.valueOf(average)), values);
    }

    private static OptimizerFactory single(OptimizerSpec spec, Optimizers registry) {
        OptimizerProvider provider = registry.provider(spec.name());
        for (Map.Entry<String, Object> e : spec.settings().entrySet()) {
            Optional<Hyperparameter> hyper = find(provider.hyperparameters(), e.getKey());
            boolean isChoice = provider.choices().stream().anyMatch(c -> c.name().equals(e.getKey()));
            Optional<HyperparameterList> list = provider.hyperparameterLists().stream()
                    .filter(l -> l.name().equals(e.getKey())).findFirst();
            if (hyper.isEmpty() && !isChoice && list.isEmpty()) {
                throw new IllegalArgumentException("Optimizer " + provider.name() + " has no hyperparameter or option '"
                        + e.getKey() + "'; it has " + provider.hyperparameters().stream().map(Hyperparameter::name).toList()
                        + (provider.hyperparameterLists().isEmpty() ? ""
                                : ", lists " + provider.hyperparameterLists().stream().map(HyperparameterList::name).toList())
                        + (provider.choices().isEmpty() ? ""
                                : " and options " + provider.choices().stream().map(c -> c.name()).toList()));
            }
            if (hyper.isPresent() && e.getValue() instanceof Double v) {
                hyper.get().require(v);
            }
            if (list.isPresent()) {
                list.get().require(numbers(provider.name(), e.getKey(), e.getValue()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        provider.hyperparameters().forEach(h -> values.put(h.name(), spec.settings().getOrDefault(h.name(), h.defaultValue())));
        provider.choices().forEach(c -> values.put(c.name(),
                spec.settings().getOrDefault(c.name(), OptimizerSpec.value(c.defaultValue()))));
        return new OptimizerFactory(spec, (backend, params) -> provider.create(backend, params, spec.settings()), values);
    }

    private static OptimizerFactory tower(OptimizerSpec spec) {
        Towers.Spec stack = Towers.parse(spec.text());
        Map<String, Object> values = new LinkedHashMap<>();
        for (int k = 0; k < stack.levels().size(); k++) {
            for (Map.Entry<String, Double> v : stack.levels().get(k).values().entrySet()) {
                values.put("L" + k + "." + v.getKey(), v.getValue());
            }
        }
        for (Map.Entry<String, Object> e : spec.settings().entrySet()) {
            Target t = target(e.getKey(), stack);
            if (!(e.getValue() instanceof Double v)) {
                throw new IllegalArgumentException("--set " + e.getKey() + " needs a number for a tower, got " + e.getValue());
            }
            t.definition().require(v);
            values.put("L" + t.level() + "." + t.definition().name(), v);
        }
        return new OptimizerFactory(spec, (backend, params) -> {
            HyperOptimizer h = stack.build(params, backend);
            for (Map.Entry<String, Object> e : spec.settings().entrySet()) {
                Target t = target(e.getKey(), stack);
                for (ParameterGroup g : params.groups()) {
                    h.setLevelHyperparameter(t.level(), g.name(), t.definition().name(), (Double) e.getValue());
                }
            }
            return h;
        }, values);
    }

    /** A list setting's numbers: a list, or one number as a list of one. */
    private static List<Double> numbers(String optimizer, String key, Object value) {
        if (value instanceof Double d) {
            return List.of(d);
        }
        if (value instanceof List<?> values && values.stream().allMatch(Double.class::isInstance)) {
            return values.stream().map(Double.class::cast).toList();
        }
        throw new IllegalArgumentException("Hyperparameter " + key + " of optimizer " + optimizer
                + " needs a list of numbers such as 0.5,0.9, got '" + value + "'");
    }

    /** A setting's level and hyperparameter definition. */
    private record Target(int level, Hyperparameter definition) {}

    /** {@code name} (the model level) or {@code level<k>.name}. */
    private static Target target(String key, Towers.Spec stack) {
        int level = 0;
        String name = key;
        int dot = key.indexOf('.');
        if (key.startsWith(LEVEL_PREFIX) && dot > LEVEL_PREFIX.length()) {
            try {
                level = Integer.parseInt(key.substring(LEVEL_PREFIX.length(), dot));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--set " + key + ": expected level<k>.<hyperparameter>");
            }
            name = key.substring(dot + 1);
        }
        if (level < 0 || level >= stack.levels().size()) {
            throw new IllegalArgumentException("--set " + key + ": the tower " + stack.text() + " has levels 0 to "
                    + (stack.levels().size() - 1));
        }
        LevelSpec l = stack.levels().get(level);
        Optional<Hyperparameter> definition = find(l.hyperparameters(), name);
        if (definition.isEmpty()) {
            throw new IllegalArgumentException("--set " + key + ": level " + level + " (" + l.optimizer()
                    + ") has no hyperparameter '" + name + "'; it has "
                    + l.hyperparameters().stream().map(Hyperparameter::name).toList());
        }
        return new Target(level, definition.get());
    }

    private static Optional<Hyperparameter> find(List<Hyperparameter> definitions, String name) {
        return definitions.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
