package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.Rules;
import org.optopt.optimizers.matrix.Shampoo;
import org.optopt.optimizers.matrix.ShampooOptimizer;

/**
 * Tower levels made of the elementwise optimizers of an {@link Optimizers} registry (sgd, adam,
 * rmsprop, ...): the update rule is the optimizer's own kernel, the hyperparameters and their
 * domains (hence reparameterizations) its definitions. A level learns {@code lr} by default
 * (Baydin et al.'s hypergradient descent); {@code learn=} chooses others.
 *
 * <p>Shampoo, which is not elementwise, is a level through its direction ({@link DirectionSource}):
 * it runs with lr = 0 to produce {@code buf}, the level applies {@code p = p - lr*buf}, and only
 * its {@code lr} is learnable (d p/d lr = -buf).
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
        return registry.providers().stream().filter(p -> p instanceof ElementwiseDefinition || p instanceof Shampoo)
                .map(OptimizerProvider::name).toList();
    }

    private OptimizerDefinition definition(String optimizer) {
        if (!names().contains(optimizer)) {
            OptimizerProvider p = null;
            try {
                p = registry.provider(optimizer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown optimizer '" + optimizer + "'; known optimizers: "
                        + String.join(", ", names()), e);
            }
            throw new IllegalArgumentException("Optimizer '" + p.name() + "' cannot be a tower level (it is neither"
                    + " elementwise nor a step along a direction); usable: " + String.join(", ", names()));
        }
        return (OptimizerDefinition) registry.provider(optimizer);
    }

    @Override
    public List<String> arguments(String optimizer) {
        OptimizerDefinition d = definition(optimizer);
        List<String> out = new ArrayList<>(d.hyperparameters().stream().map(Hyperparameter::name).toList());
        d.choices().stream().map(Choice::name).forEach(out::add);
        return out;
    }

    @Override
    public LevelSpec level(String optimizer, Double stepSize, Map<String, Object> named) {
        OptimizerDefinition d = definition(optimizer);
        Map<String, Object> config = new LinkedHashMap<>(named);
        if (stepSize != null) {
            config.put(d.hyperparameters().get(0).name(), stepSize);
        }
        OptimizerDefinition.Config c = d.resolve(config);
        ElementwiseRule rule;
        DirectionSource direction = null;
        if (d instanceof ElementwiseDefinition e) {
            rule = e.rule(c.choices());
        } else {
            rule = DIRECTION_RULE;
            Map<String, Object> inner = new LinkedHashMap<>(c.hyperparameters());
            inner.putAll(c.choices());
            direction = new OptimizerDirection(d, inner, "lr", (o, p) -> ((ShampooOptimizer) o).buffer(p, "buf"));
        }
        List<String> scalars = rule.hyperparameterScalars();
        List<String> learn = scalars.contains("lr") ? List.of("lr") : List.of(scalars.get(0));
        return new LevelSpec(optimizer, rule, d.hyperparameters(), c.hyperparameters(), c.choices(), learn, false, false,
                values -> d.validate(values, c.choices()), direction);
    }

    /** The update of an optimizer whose step is {@code p - lr*D} along a direction it computes itself. */
    private static final ElementwiseRule DIRECTION_RULE = new ElementwiseRule(Kernel.builder("along_direction")
            .store(ElementwiseRule.PARAMETER, Rules.p().minus(Expr.scalar("lr").times(Expr.buffer("D"))))
            .build(), List.of(new ElementwiseRule.StateBuffer("D", Expr.zero())), List.of());
}
