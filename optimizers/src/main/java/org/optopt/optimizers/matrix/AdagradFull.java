package org.optopt.optimizers.matrix;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Capabilities;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * Full-matrix AdaGrad (Duchi, Hazan and Singer 2011) as the design of the update-second-moment
 * budget (paper A; {@code org.optopt.theory.UpdateSecondMoment}) over the cumulative second moment:
 * per tensor of d elements (flattened),
 * <pre>
 * Sigma = Sigma + g g^T                               (starts at 0; double precision)
 * every update_every steps (and on the first):  root = Sigma_eps^(-1/2),  Sigma_eps = Sigma + eps*I
 * p = p - lr * root g
 * </pre>
 * {@code root} is Q* of the update-second-moment budget at radius 1, so the step is the budget's
 * optimum at radius {@code lr}. With eps = 0 (the default) a singular Sigma takes the design's
 * pseudo-inverse convention: directions no gradient has visited get no step (where the gradients
 * are axis-aligned this is diagonal AdaGrad with eps = 0). Sigma takes d^2 doubles, so tensors
 * above {@code max_elements} (default 1024) are refused when the optimizer is created.
 */
public final class AdagradFull extends OptimizerDefinition {
    /** Creates the provider. */
    public AdagradFull() {
        super("adagrad-full", "full-matrix AdaGrad: lr * (sum g g^T)^-1/2 g, the update-second-moment design "
                        + "(tensors up to max_elements)",
                List.of(Hyperparameters.lr(1e-2),
                        new Hyperparameter("eps", 0, Domain.atLeast(0), "added to Sigma's diagonal before the root"),
                        new Hyperparameter("update_every", 1, Domain.integerAtLeast(1),
                                "recompute the inverse root every this many steps"),
                        new Hyperparameter("max_elements", 1024, Domain.integerAtLeast(1),
                                "largest tensor accepted (Sigma has max_elements^2 entries)")),
                List.of());
    }

    /** A matrix optimizer (full-matrix preconditioner); not a tower level. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.matrixOnly();
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        return "adagrad-full (per tensor p of d <= max_elements elements, flattened; Sigma is d x d, from 0)\n"
                + "  Sigma = Sigma + g*g^T\n"
                + "  every update_every steps: root = (Sigma + eps*I)^(-1/2)   (update-second-moment design, "
                + "pseudo-inverse where singular)\n"
                + "  p = p - lr*root*g\n";
    }

    @Override
    public AdagradFullOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new AdagradFullOptimizer(this, backend, parameters, resolve(config));
    }
}
