package org.optopt.optimizers.matrix;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.Capabilities;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * Shampoo (Gupta, Koren and Singer 2018), a Kronecker-factored preconditioner. Each parameter is
 * viewed as a matrix G of m x n (a vector as 1 x n; higher ranks as dim0 x rest):
 * <pre>
 * G  = g + weight_decay*p
 * L  = L + G G^T           R = R + G^T G            (both start at 0)
 * every update_every steps (and on the first):
 *     L_root = (L + eps*I)^(-1/4), R_root = (R + eps*I)^(-1/4)       (host, double, Jacobi)
 * P  = L_root G R_root
 * grafting sgd:     P = P * |G|/|P|
 * grafting adagrad: A = A + G*G;  P = P * |G/(sqrt(A) + eps)|/|P|
 * buf = momentum*buf + P ;  p = p - lr*buf
 * </pre>
 * A side longer than {@value ShampooOptimizer#MAX_SIDE} is not preconditioned (its root stays I).
 */
public final class Shampoo extends OptimizerDefinition {
    /** Creates the provider. */
    public Shampoo() {
        super("shampoo", "Shampoo: Kronecker-factored preconditioning (Gupta, Koren and Singer 2018)",
                List.of(Hyperparameters.lr(0.1),
                        Hyperparameters.momentum(0, "heavy-ball momentum on the preconditioned step"),
                        new Hyperparameter("eps", 1e-4, Domain.greaterThan(0), "damping added to L and R before the roots"),
                        new Hyperparameter("update_every", 1, Domain.integerAtLeast(1),
                                "recompute the inverse fourth roots every this many steps"),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of(new Choice("grafting", "none", List.of("none", "sgd", "adagrad"),
                        "take the step's norm from SGD's or Adagrad's step (per parameter)")));
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        String grafting = resolveChoices(choices).get("grafting");
        return "shampoo(grafting=" + grafting + ")\n"
                + "  G = g + weight_decay*p\n"
                + "  L = L + G*G^T ;  R = R + G^T*G            (L, R start at 0)\n"
                + "  every update_every steps: L_root = (L + eps*I)^(-1/4) ;  R_root = (R + eps*I)^(-1/4)\n"
                + "  P = L_root*G*R_root\n"
                + switch (grafting) {
                    case "sgd" -> "  P = P*|G|/|P|\n";
                    case "adagrad" -> "  A = A + G*G ;  P = P*|G/(sqrt(A) + eps)|/|P|\n";
                    default -> "";
                }
                + "  buf = momentum*buf + P ;  p = p - lr*buf\n";
    }

    /** A matrix optimizer and a tower level along its momentum buffer, learning lr. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.matrixLevel(List.of("lr"));
    }

    /** The momentum buffer {@code buf}: the step is {@code p = p - lr*buf}. */
    @Override
    public Tensor direction(Optimizer optimizer, String parameter) {
        return ((ShampooOptimizer) optimizer).buffer(parameter, "buf");
    }

    @Override
    public ShampooOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new ShampooOptimizer(this, backend, parameters, resolve(config));
    }
}
