package org.optopt.optimizers.hyper;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Rules;

/**
 * The update rules of the gdtuo reference implementation (kach/gradient-descent-the-ultimate-optimizer
 * at b3b047e), written in the kernel language in its float32 order of operations, with its
 * storage conventions as reparameterizations. Their hypergradients come from the tower's
 * automatic differentiation like any other rule's.
 *
 * <pre>
 * sgd(alpha=0.01, mu=0)      mu = 0:  p = p - g*alpha
 *                            mu != 0: buf = (t == 1 ? g : buf*mu + g); p = p - buf*alpha
 *                            alpha, mu raw; learns alpha (and mu if mu != 0)
 * adagrad(alpha=0.01)        G = G + g^2 (G starts at 0.1); p = p - (alpha*g)/sqrt(G + 1e-10)
 *                            alpha raw
 * rmsprop(alpha=0.01, gamma=0.99)
 *                            s = gamma*s + (1 - gamma)*g^2 (s starts at 0); p = p - (alpha*g)/sqrt(s + 1e-8)
 *                            alpha stored as sqrt(alpha) (square); gamma = (tanh x + 1)/2
 * adam(alpha=0.001, beta1=0.9, beta2=0.999)
 *                            m = beta1*m + (1 - beta1)*g; v = beta2*v + ((1 - beta2)*g)*g (v starts at 1e-8)
 *                            p = p - alpha*((m/(1 - beta1^t)) / (sqrt(v/(1 - beta2^t)) + 1e-8))
 *                            alpha raw; beta1, beta2 = (tanh x + 1)/2; eps = 1e-8 fixed
 * </pre>
 * Hyperparameters not learned keep their constructor values (gdtuo's {@code AdamBaydin} is
 * {@code adam(learn=alpha)}).
 */
public final class GdtuoCatalog implements LevelCatalog {
    private static final double ADAM_EPS = 1e-8;
    private static final double ADAGRAD_EPS = 1e-10;
    private static final double ADAGRAD_INITIAL = 0.1;
    private static final double RMSPROP_EPS = 1e-8;

    private static Hyperparameter raw(String name, double defaultValue, String description) {
        return new Hyperparameter(name, defaultValue, Domain.real(), description + " (stored raw)");
    }

    private static Hyperparameter unit(String name, double defaultValue, String description) {
        return new Hyperparameter(name, defaultValue, Domain.open(0, 1), description + " (stored as atanh(2x - 1))");
    }

    private static final Map<String, List<Hyperparameter>> DEFINITIONS = Map.of(
            "sgd", List.of(raw("alpha", 0.01, "step size"), raw("mu", 0.0, "momentum, used only if nonzero at creation")),
            "adagrad", List.of(raw("alpha", 0.01, "step size")),
            "rmsprop", List.of(new Hyperparameter("alpha", 0.01, Domain.atLeast(0), "step size (stored as its square root)"),
                    unit("gamma", 0.99, "decay of the squared-gradient average")),
            "adam", List.of(raw("alpha", 0.001, "step size"), unit("beta1", 0.9, "decay of the first moment"),
                    unit("beta2", 0.999, "decay of the second moment")));

    @Override
    public List<String> names() {
        return DEFINITIONS.keySet().stream().sorted().toList();
    }

    private List<Hyperparameter> definitions(String optimizer) {
        List<Hyperparameter> d = DEFINITIONS.get(optimizer);
        if (d == null) {
            throw new IllegalArgumentException("Unknown gdtuo optimizer '" + optimizer + "'; known optimizers: "
                    + String.join(", ", names()));
        }
        return d;
    }

    @Override
    public List<String> arguments(String optimizer) {
        return definitions(optimizer).stream().map(Hyperparameter::name).toList();
    }

    @Override
    public LevelSpec level(String optimizer, Double stepSize, Map<String, Object> named) {
        List<Hyperparameter> defs = definitions(optimizer);
        Map<String, Double> values = new LinkedHashMap<>();
        defs.forEach(h -> values.put(h.name(), h.defaultValue()));
        if (stepSize != null) {
            values.put(defs.get(0).name(), stepSize);
        }
        for (Map.Entry<String, Object> e : named.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("Unknown hyperparameter '" + e.getKey() + "' for gdtuo " + optimizer
                        + "; known: " + arguments(optimizer));
            }
            if (!(e.getValue() instanceof Double d)) {
                throw new IllegalArgumentException("Hyperparameter " + e.getKey() + " of gdtuo " + optimizer
                        + " needs a number, got " + e.getValue());
            }
            values.put(e.getKey(), d);
        }
        ElementwiseRule rule = rule(optimizer, values);
        List<String> learn = new ArrayList<>(rule.hyperparameterScalars());
        return new LevelSpec(optimizer, rule, defs, values, Map.of(), learn, false, false, v -> { }, null);
    }

    /** The rule of {@code optimizer}; sgd's form depends on whether mu is nonzero, as in gdtuo. */
    static ElementwiseRule rule(String optimizer, Map<String, Double> values) {
        Expr p = Rules.p();
        Expr g = Rules.g();
        return switch (optimizer) {
            case "sgd" -> values.get("mu") != 0
                    ? new ElementwiseRule(Kernel.builder("gdtuo_sgd_momentum")
                            .store("buf", Expr.select(Rules.t().gt(Expr.one()),
                                    buffer("buf").times(scalar("mu")).plus(g), g))
                            .store("p", p.minus(buffer("buf").times(scalar("alpha"))))
                            .build(), List.of(new ElementwiseRule.StateBuffer("buf", Expr.zero())), List.of())
                    : new ElementwiseRule(Kernel.builder("gdtuo_sgd")
                            .store("p", p.minus(g.times(scalar("alpha"))))
                            .build(), List.of(), List.of());
            case "adagrad" -> new ElementwiseRule(Kernel.builder("gdtuo_adagrad")
                    .store("G", buffer("G").plus(g.square()))
                    .store("p", p.minus(scalar("alpha").times(g).div(buffer("G").plus(ADAGRAD_EPS).sqrt())))
                    .build(), List.of(new ElementwiseRule.StateBuffer("G", Expr.constant(ADAGRAD_INITIAL))), List.of());
            case "rmsprop" -> new ElementwiseRule(Kernel.builder("gdtuo_rmsprop")
                    .store("s", scalar("gamma").times(buffer("s")).plus(scalar("gamma").oneMinus().times(g.square())))
                    .store("p", p.minus(scalar("alpha").times(g).div(buffer("s").plus(RMSPROP_EPS).sqrt())))
                    .build(), List.of(new ElementwiseRule.StateBuffer("s", Expr.zero())), List.of());
            case "adam" -> new ElementwiseRule(Kernel.builder("gdtuo_adam")
                    .store("m", scalar("beta1").times(buffer("m")).plus(scalar("beta1").oneMinus().times(g)))
                    .store("v", scalar("beta2").times(buffer("v")).plus(scalar("beta2").oneMinus().times(g).times(g)))
                    .let("m_hat", buffer("m").div(Rules.biasCorrection("beta1")))
                    .let("v_hat", buffer("v").div(Rules.biasCorrection("beta2")))
                    .store("p", p.minus(scalar("alpha").times(Expr.local("m_hat")
                            .div(Expr.local("v_hat").sqrt().plus(ADAM_EPS)))))
                    .build(), List.of(new ElementwiseRule.StateBuffer("m", Expr.zero()),
                            new ElementwiseRule.StateBuffer("v", Expr.constant(ADAM_EPS))), List.of());
            default -> throw new IllegalArgumentException("Unknown gdtuo optimizer '" + optimizer + "'");
        };
    }
}
