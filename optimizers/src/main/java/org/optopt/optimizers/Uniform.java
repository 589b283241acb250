package org.optopt.optimizers;

import java.util.Map;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.KernelMath;

/** Evaluation of uniform expressions (scalars and constants only) in double, as kernel plans do. */
public final class Uniform {
    private Uniform() {}

    /**
     * The value of {@code e} with scalars bound by name.
     *
     * @throws IllegalArgumentException if {@code e} reads a buffer or local, or an unbound scalar
     */
    public static double evaluate(Expr e, Map<String, Double> scalars) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Scalar s -> {
                Double v = scalars.get(s.name());
                if (v == null) {
                    throw new IllegalArgumentException("Scalar '" + s.name() + "' is not bound; bound: " + scalars.keySet());
                }
                yield v;
            }
            case Expr.Unary u -> KernelMath.uniform(u.op(), evaluate(u.x(), scalars));
            case Expr.Binary b -> KernelMath.uniform(b.op(), evaluate(b.a(), scalars), evaluate(b.b(), scalars));
            case Expr.Select s -> evaluate(s.condition(), scalars) != 0
                    ? evaluate(s.ifTrue(), scalars) : evaluate(s.ifFalse(), scalars);
            case Expr.Buffer b -> throw new IllegalArgumentException("Not uniform: reads buffer " + b.name());
            case Expr.Local l -> throw new IllegalArgumentException("Not uniform: reads local " + l.name());
        };
    }
}
