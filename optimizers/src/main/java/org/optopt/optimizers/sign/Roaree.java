package org.optopt.optimizers.sign;

import static org.optopt.api.kernel.Expr.scalar;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;

/**
 * Roaree (Garmonina and Chan 2025, arXiv 2508.04707): {@link Lion} with {@code sign} replaced by a
 * smooth surrogate {@code phi(kappa*c)} of sharpness {@code kappa}:
 * <pre>
 * p = p*(1 - lr*weight_decay)
 * c = beta1*m + (1 - beta1)*g
 * p = p - lr*phi(kappa*c)      phi in {tanh, atan, softsign, erf, norm: x/sqrt(1 + x^2),
 *                                     sigmoid: 2*sigmoid(x) - 1}
 * m = beta2*m + (1 - beta2)*g
 * </pre>
 * As kappa grows, tanh, softsign, erf, norm and sigmoid tend to sign (and Roaree to Lion); atan
 * tends to (pi/2)*sign. The sigmoid surrogate, the best variant in the authors' notebook, equals
 * tanh(x/2) mathematically; it is evaluated as written, 2*sigmoid(x) - 1.
 */
public final class Roaree extends SignDefinition {
    /** Creates the provider. */
    public Roaree() {
        super("roaree", "Roaree: Lion with a smooth surrogate of sign (Garmonina and Chan 2025, arXiv 2508.04707)",
                List.of(Hyperparameters.lr(1e-4), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.99),
                        Hyperparameters.weightDecay(0, "decoupled decay: p *= 1 - lr*weight_decay"),
                        new Hyperparameter("kappa", 100, Domain.greaterThan(0), "sharpness of the surrogate (curv)")),
                List.of(new Choice("surrogate", "tanh", List.of("tanh", "atan", "softsign", "erf", "norm", "sigmoid"),
                        "the smooth surrogate phi of sign")));
    }

    @Override
    public ElementwiseRule rule(Map<String, String> choices) {
        String surrogate = choices.get("surrogate");
        UnaryOperator<Expr> phi = switch (surrogate) {
            case "tanh" -> x -> x.apply(UnaryOp.TANH);
            case "atan" -> x -> x.apply(UnaryOp.ATAN);
            case "softsign" -> x -> x.apply(UnaryOp.SOFTSIGN);
            case "erf" -> x -> x.apply(UnaryOp.ERF);
            case "norm" -> x -> x.div(x.square().plus(1).sqrt());
            case "sigmoid" -> x -> x.apply(UnaryOp.SIGMOID).times(2).minus(1);
            default -> throw new IllegalArgumentException("Unknown surrogate '" + surrogate + "' for roaree");
        };
        return rule("roaree_" + surrogate, c -> phi.apply(scalar("kappa").times(c)));
    }
}
