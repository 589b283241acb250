package org.optopt.optimizers;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Capabilities;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;

/**
 * An optimizer whose update is one {@link ElementwiseRule}: the provider builds the rule for the
 * chosen options and {@link ElementwiseOptimizer} runs it, compiled once per backend.
 */
public abstract class ElementwiseDefinition extends OptimizerDefinition {

    /** Defines an elementwise optimizer. */
    protected ElementwiseDefinition(String name, String description, List<Hyperparameter> hyperparameters,
                                    List<Choice> choices) {
        super(name, description, hyperparameters, choices);
    }

    /**
     * The update rule for the given options.
     *
     * @param choices a value for every option (see {@link #resolveChoices(Map)})
     */
    public abstract ElementwiseRule rule(Map<String, String> choices);

    /**
     * Elementwise, a tower level differentiable in every hyperparameter its default rule reads,
     * averaged if that rule has an averaged view.
     */
    @Override
    public Capabilities capabilities() {
        ElementwiseRule rule = rule(resolveChoices(Map.of()));
        List<String> scalars = rule.hyperparameterScalars();
        List<String> differentiable = hyperparameters().stream().map(Hyperparameter::name).filter(scalars::contains)
                .toList();
        return new Capabilities(true, false, true, differentiable, rule.averaged().isPresent());
    }

    @Override
    public final String updateRule(Map<String, String> choices) {
        return rule(resolveChoices(choices)).listing();
    }

    @Override
    public final ElementwiseOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new ElementwiseOptimizer(this, backend, parameters, resolve(config));
    }
}
