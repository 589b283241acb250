package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.kernel.Expr;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.Variant;
import org.optopt.optimizers.transform.Chain;
import org.optopt.optimizers.transform.Transforms;
import org.optopt.optimizers.transform.Update;

/**
 * Tower levels made of the optimizers of an {@link Optimizers} registry whose
 * {@link OptimizerDefinition#capabilities() capabilities} say they can be a tower level: the
 * update rule is the optimizer's own kernel, the hyperparameters and their domains (hence
 * reparameterizations) its definitions. A level learns {@code lr} by default (Baydin et al.'s
 * hypergradient descent); {@code learn=} chooses others.
 *
 * <p>A level that is not elementwise (Shampoo) is a level through its direction
 * ({@link OptimizerDefinition#direction}): it runs with lr = 0 to produce {@code D}, the level
 * applies {@code p = p - lr*D}, and only its {@code lr} is learnable (d p/d lr = -D).
 *
 * <p>With a convention (e.g. {@link Variant#GDTUO}), the catalog holds the elementwise optimizers
 * that have a {@link Variant} in it, with the variant's hyperparameters and rule; every
 * hyperparameter of such a level is learned unless {@code learn=} says otherwise.
 */
public final class RegistryCatalog implements LevelCatalog {
    private final Optimizers registry;
    private final String convention;

    /** The catalog of {@code registry}. */
    public RegistryCatalog(Optimizers registry) {
        this(registry, null);
    }

    private RegistryCatalog(Optimizers registry, String convention) {
        this.registry = registry;
        this.convention = convention;
    }

    /** The catalog of the variants in {@code convention} of the optimizers of {@code registry}. */
    public static RegistryCatalog variants(Optimizers registry, String convention) {
        return new RegistryCatalog(registry, convention);
    }

    /** The catalog of every optimizer found by {@link Optimizers#discover()}. */
    public static RegistryCatalog discover() {
        return new RegistryCatalog(Optimizers.discover());
    }

    /** The catalog of gdtuo's conventions ({@link Variant#GDTUO}) of the optimizers found by {@link Optimizers#discover()}. */
    public static RegistryCatalog gdtuo() {
        return variants(Optimizers.discover(), Variant.GDTUO);
    }

    @Override
    public List<String> names() {
        return registry.providers().stream().filter(this::usable).map(OptimizerProvider::name).sorted().toList();
    }

    private boolean usable(OptimizerProvider p) {
        if (convention != null) {
            return variant(p).isPresent();
        }
        return p instanceof OptimizerDefinition d && d.capabilities().towerLevel();
    }

    private Optional<Variant> variant(OptimizerProvider p) {
        return p instanceof OptimizerDefinition d ? d.variant(convention) : Optional.empty();
    }

    private OptimizerDefinition definition(String optimizer) {
        if (!names().contains(optimizer)) {
            OptimizerProvider p = null;
            try {
                p = registry.provider(optimizer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown " + (convention == null ? "" : convention + " ") + "optimizer '"
                        + optimizer + "'; known optimizers: " + String.join(", ", names()), e);
            }
            throw new IllegalArgumentException("Optimizer '" + p.name() + "' cannot be a tower level ("
                    + (convention == null ? "it is neither elementwise nor a step along a direction"
                            : "it has no " + convention + " variant")
                    + "); usable: " + String.join(", ", names()));
        }
        return (OptimizerDefinition) registry.provider(optimizer);
    }

    @Override
    public List<String> arguments(String optimizer) {
        OptimizerDefinition d = definition(optimizer);
        if (convention != null) {
            return variant(d).orElseThrow().hyperparameters().stream().map(Hyperparameter::name).toList();
        }
        List<String> out = new ArrayList<>(d.hyperparameters().stream().map(Hyperparameter::name).toList());
        d.choices().stream().map(Choice::name).forEach(out::add);
        return out;
    }

    @Override
    public LevelSpec level(String optimizer, Double stepSize, Map<String, Object> named) {
        OptimizerDefinition d = definition(optimizer);
        if (convention != null) {
            return variantLevel(optimizer, variant(d).orElseThrow(), stepSize, named);
        }
        Map<String, Object> config = new LinkedHashMap<>(named);
        if (stepSize != null) {
            config.put(d.hyperparameters().get(0).name(), stepSize);
        }
        OptimizerDefinition.Config c = d.resolve(config);
        ElementwiseRule rule;
        DirectionSource direction = null;
        if (d.capabilities().elementwise()) {
            rule = ((ElementwiseDefinition) d).rule(c.choices());
        } else {
            rule = DIRECTION_RULE;
            Map<String, Object> inner = new LinkedHashMap<>(c.hyperparameters());
            inner.putAll(c.choices());
            direction = new OptimizerDirection(d, inner, "lr", d::direction);
        }
        List<String> scalars = rule.hyperparameterScalars();
        List<String> learn = scalars.contains("lr") ? List.of("lr") : List.of(scalars.get(0));
        return new LevelSpec(optimizer, rule, d.hyperparameters(), c.hyperparameters(), c.choices(), learn, false, false,
                values -> d.validate(values, c.choices()), direction);
    }

    private LevelSpec variantLevel(String optimizer, Variant variant, Double stepSize, Map<String, Object> named) {
        List<Hyperparameter> defs = variant.hyperparameters();
        Map<String, Double> values = new LinkedHashMap<>();
        defs.forEach(h -> values.put(h.name(), h.defaultValue()));
        if (stepSize != null) {
            values.put(defs.get(0).name(), stepSize);
        }
        for (Map.Entry<String, Object> e : named.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("Unknown hyperparameter '" + e.getKey() + "' for " + convention + " "
                        + optimizer + "; known: " + String.join(", ", values.keySet()));
            }
            if (!(e.getValue() instanceof Double v)) {
                throw new IllegalArgumentException("Hyperparameter " + e.getKey() + " of " + convention + " " + optimizer
                        + " needs a number, got " + e.getValue());
            }
            values.put(e.getKey(), v);
        }
        ElementwiseRule rule = variant.rule().apply(values);
        List<String> learn = new ArrayList<>(rule.hyperparameterScalars());
        return new LevelSpec(optimizer, rule, defs, values, Map.of(), learn, false, false, v -> { }, null);
    }

    /** The update of an optimizer whose step is {@code p - lr*D} along a direction it computes itself. */
    private static final ElementwiseRule DIRECTION_RULE = Chain.chain("along_direction",
            (u, rule) -> Update.of(rule.state("D", Expr.zero())), Transforms.scaleByLearningRate("lr"));
}
