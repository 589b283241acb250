package org.optopt.optimizers.trainable;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * Full Trainable Optimizer ({@code to-full}; Wang and Klabjan, arXiv 2508.01764): per tensor of d
 * elements, the estimator {@code G = A w + b} with a dense d x d matrix A, trained online on the
 * squared error against each stochastic gradient (A, b start at 0):
 * <pre>
 * r = A w + b - g
 * A = A - gamma_a_t * r w^T ;  b = b - gamma_b_t*r
 * w = w - lr*(A w + b)                        (the updated A, b)
 * </pre>
 * (step sizes: {@link Estimators}). A takes d^2 floats, so tensors above {@code max_elements}
 * (default 4096, a 64 MiB matrix) are refused when the optimizer is created.
 */
public final class FullTo extends OptimizerDefinition {
    /** Creates the provider. */
    public FullTo() {
        super("to-full", "Trainable Optimizer, full: G = A w + b with a dense A fitted online to the gradients "
                        + "(arXiv 2508.01764; tensors up to max_elements)",
                Estimators.hyperparameters(List.of(new Hyperparameter("max_elements", 4096, Domain.integerAtLeast(1),
                        "largest tensor accepted (A has max_elements^2 floats)"))),
                Estimators.choices());
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        String norm = Estimators.normalized(resolveChoices(choices)) ? " / (1 + ||p||^2)" : "";
        return "to-full (per tensor p of d <= max_elements elements, flattened; A is d x d; step t from 0)\n"
                + "  gamma_a_t = gamma_a / (1 + t/tau)" + norm + " ;  gamma_b_t = gamma_b / (1 + t/tau)" + norm
                + "   (no decay when tau = 0)\n"
                + "  r = A*p + b - g\n"
                + "  A = A - gamma_a_t * r*p^T ;  b = b - gamma_b_t*r\n"
                + "  p = p - lr*(A*p + b)\n";
    }

    @Override
    public FullToOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new FullToOptimizer(this, backend, parameters, resolve(config));
    }
}
