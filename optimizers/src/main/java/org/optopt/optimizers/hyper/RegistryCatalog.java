package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * Tower levels made of the elementwise optimizers of an {@link Optimizers} registry (sgd, adam,
 * rmsprop, ...): the update rule is the optimizer's own kernel, the hyperparameters and their
 * domains (hence reparameterizations) its definitions. A level learns {@code lr} by default
 * (Baydin et al.'s hypergradient descent); {@code learn=} chooses others.
 */
public final class RegistryCatalog implements LevelCatalog {
    private final Optimizers registry;

    /** The catalog of {@code registry}. */
    public RegistryCatalog(Optimizers registry) {
        this.registry = registry;
    }

    /** The catalog of every optimizer found by {@link Optimizers#discover()}. */
    public static RegistryCatalog discover() {
        return new RegistryCatalog(Optimizers.discover());
    }

    @Override
    public List<String> names() {
        return registry.providers().stream().filter(p -> p instanceof ElementwiseDefinition)
                .map(OptimizerProvider::name).toList();
    }

    private ElementwiseDefinition definition(String optimizer) {
        if (!names().contains(optimizer)) {
            OptimizerProvider p = null;
            try {
                p = registry.provider(optimizer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown optimizer '" + optimizer + "'; known optimizers: "
                        + String.join(", ", names()), e);
            }
            throw new IllegalArgumentException("Optimizer '" + p.name() + "' is not elementwise, so it cannot be a tower"
                    + " level; elementwise optimizers: " + String.join(", ", names()));
        }
        return (ElementwiseDefinition) registry.provider(optimizer);
    }

    @Override
    public List<String> arguments(String optimizer) {
        ElementwiseDefinition d = definition(optimizer);
        List<String> out = new ArrayList<>(d.hyperparameters().stream().map(Hyperparameter::name).toList());
        d.choices().stream().map(Choice::name).forEach(out::add);
        return out;
    }

    @Override
    public LevelSpec level(String optimizer, Double stepSize, Map<String, Object> named) {
        ElementwiseDefinition d = definition(optimizer);
        Map<String, Object> config = new LinkedHashMap<>(named);
        if (stepSize != null) {
            config.put(d.hyperparameters().get(0).name(), stepSize);
        }
        OptimizerDefinition.Config c = d.resolve(config);
        ElementwiseRule rule = d.rule(c.choices());
        List<String> scalars = rule.hyperparameterScalars();
        List<String> learn = scalars.contains("lr") ? List.of("lr") : List.of(scalars.get(0));
        return new LevelSpec(optimizer, rule, d.hyperparameters(), c.hyperparameters(), c.choices(), learn, false, false,
                values -> d.validate(values, c.choices()));
    }
}
