package org.optopt.optimizers.matrix;

import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.heavyBall;
import static org.optopt.optimizers.transform.Transforms.scaleBy;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Capabilities;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.transform.Chain;

/**
 * Shampoo (Gupta, Koren and Singer 2018), a Kronecker-factored preconditioner, as a
 * {@link MatrixOptimizer}: an elementwise head, the {@link ShampooPreconditioner}, grafting and
 * the same elementwise transforms as the other optimizers for the tail. Each parameter is viewed
 * as a matrix G of m x n (a vector as 1 x n; higher ranks as dim0 x rest):
 * <pre>
 * G  = g + weight_decay*p                                        (head)
 * P  = L_root G R_root                                           (preconditioner)
 * graft = |G|/|P| (sgd), |G/(sqrt(A) + eps)|/|P| (adagrad), 1    (grafting)
 * buf = momentum*buf + graft*P ;  p = p - lr*buf                 (tail)
 * </pre>
 */
public final class Shampoo extends OptimizerDefinition {
    /** The head: torch's L2 weight decay into G. */
    private static final Chain.Stage HEAD = Chain.into("shampoo_gradient", MatrixOptimizer.GRADIENT,
            addCoupledWeightDecay());
    /** The tail: the graft scale, heavy-ball momentum (buffer {@code buf}) and the step size. */
    private static final Chain.Stage TAIL = Chain.from("shampoo_apply", MatrixOptimizer.DIRECTION,
            scaleBy(scalar(MatrixOptimizer.GRAFT)), heavyBall(), scaleByLearningRate("lr"));

    /** Creates the provider. */
    public Shampoo() {
        super("shampoo", "Shampoo: Kronecker-factored preconditioning (Gupta, Koren and Singer 2018)",
                List.of(Hyperparameters.lr(0.1),
                        Hyperparameters.momentum(0, "heavy-ball momentum on the preconditioned step"),
                        new Hyperparameter("eps", 1e-4, Domain.greaterThan(0), "damping added to L and R before the roots"),
                        new Hyperparameter("update_every", 1, Domain.integerAtLeast(1),
                                "recompute the inverse fourth roots every this many steps"),
                        Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                List.of(new Choice("grafting", "none", Grafting.KINDS,
                        "take the step's norm from SGD's or Adagrad's step (per parameter)")));
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        String grafting = resolveChoices(choices).get("grafting");
        return HEAD.kernel()
                + "matrix step (shampoo): L = L + G*G^T ;  R = R + G^T*G            (L, R start at 0)\n"
                + "  every update_every steps: L_root = (L + eps*I)^(-1/4) ;  R_root = (R + eps*I)^(-1/4)\n"
                + "  P = L_root*G*R_root\n"
                + "grafting (" + grafting + "): " + switch (grafting) {
                    case "sgd" -> "graft = |G|/|P|\n";
                    case "adagrad" -> "A = A + G*G ;  graft = |G/(sqrt(A) + eps)|/|P|\n";
                    default -> "graft = 1\n";
                }
                + TAIL.kernel();
    }

    /** A matrix optimizer and a tower level along its momentum buffer, learning lr. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.matrixLevel(List.of("lr"));
    }

    /** The tail's momentum buffer {@code buf}: the step is {@code p = p - lr*buf}. */
    @Override
    public Tensor direction(Optimizer optimizer, String parameter) {
        return ((MatrixOptimizer) optimizer).buffer(parameter, "buf");
    }

    @Override
    public MatrixOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        Config c = resolve(config);
        return new MatrixOptimizer(this, backend, parameters, c, HEAD, new ShampooPreconditioner(),
                c.choices().get("grafting"), TAIL);
    }
}
