package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Derivative;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Statement;
import org.optopt.api.optim.Reparameterization;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.NonFinite;

/**
 * The two kernels a tower level runs, both derived automatically from an {@link ElementwiseRule}:
 *
 * <ul>
 *   <li>{@link #step}: the rule's update with every learnable hyperparameter {@code h} replaced by
 *       its reparameterization of a raw scalar, {@code h = f(raw.h)}, and, fused into the same
 *       pass, {@code dp.h = d p_new / d raw.h} for each of them, from
 *       {@link Derivative#of Derivative.of(kernel, "raw.h", {p: "dp.h"}, true)}. Earlier state is
 *       a constant (the detach rule); only the hyperparameter's own path through this step is
 *       differentiated. Memory: one extra buffer of the parameter's shape per learnable hyperparameter.</li>
 *   <li>{@link #hypergradient}: at the next step, reads the new gradient {@code g} and every
 *       {@code dp.h} once and reduces {@code hg.h = sum(g*dp.h)} = d loss(p_new) / d raw.h for this
 *       tensor, plus {@value #NON_FINITE}, NaN if a gradient element is non-finite.</li>
 * </ul>
 */
public final class HyperKernels {
    /** The reduction that is NaN if a gradient element is non-finite, else 0. */
    public static final String NON_FINITE = "non_finite";

    private HyperKernels() {}

    /** The kernel scalar carrying the raw (unconstrained) value of hyperparameter {@code h}. */
    public static String rawScalar(String h) {
        return "raw." + h;
    }

    /** The buffer receiving {@code d p_new / d raw.h}. */
    public static String derivativeBuffer(String h) {
        return "dp." + h;
    }

    /** The reduction {@code sum(g*dp.h)}. */
    public static String hypergradient(String h) {
        return "hg." + h;
    }

    /**
     * The rule's kernel with each learnable hyperparameter replaced by its reparameterization of
     * the raw scalar {@link #rawScalar}.
     *
     * @throws IllegalArgumentException if a learnable name is not a hyperparameter scalar of the rule
     */
    public static Kernel substituted(ElementwiseRule rule, Map<String, Reparameterization> learnable) {
        for (String h : learnable.keySet()) {
            if (!rule.hyperparameterScalars().contains(h)) {
                throw new IllegalArgumentException("Hyperparameter '" + h + "' is not a scalar of update kernel "
                        + rule.kernel().name() + "; learnable: " + rule.hyperparameterScalars());
            }
        }
        Map<String, Expr> replacement = new LinkedHashMap<>();
        learnable.forEach((h, r) -> replacement.put(h, r.apply(Expr.scalar(rawScalar(h)))));
        List<Statement> out = new ArrayList<>();
        for (Statement st : rule.kernel().statements()) {
            Expr v = substitute(st.value(), replacement);
            out.add(switch (st) {
                case Statement.Let let -> new Statement.Let(let.name(), v);
                case Statement.Store s -> new Statement.Store(s.buffer(), v);
                case Statement.Reduce r -> new Statement.Reduce(r.name(), r.op(), v);
            });
        }
        return Kernel.of(rule.kernel().name(), out);
    }

    /** The fused update-and-derivatives kernel (see the class description); the rule's own kernel if nothing is learned. */
    public static Kernel step(ElementwiseRule rule, Map<String, Reparameterization> learnable) {
        return learnable.isEmpty() ? rule.kernel() : fused(rule, learnable);
    }

    private static Kernel fused(ElementwiseRule rule, Map<String, Reparameterization> learnable) {
        Kernel base = substituted(rule, learnable);
        for (String h : learnable.keySet()) {
            if (base.bufferIndex(derivativeBuffer(h)) >= 0) {
                throw new IllegalArgumentException("Kernel " + base.name() + " already has a buffer " + derivativeBuffer(h));
            }
        }
        List<String> names = List.copyOf(learnable.keySet());
        List<Kernel> parts = new ArrayList<>();
        // Derivative-only parts first, the part that also performs the stores last: every part
        // then reads the buffers' values from before the kernel.
        for (int i = 1; i < names.size(); i++) {
            String h = names.get(i);
            parts.add(Derivative.of(base, rawScalar(h), Map.of(ElementwiseRule.PARAMETER, derivativeBuffer(h)), false));
        }
        String first = names.get(0);
        parts.add(Derivative.of(base, rawScalar(first),
                Map.of(ElementwiseRule.PARAMETER, derivativeBuffer(first)), true));
        return KernelFusion.fuse(base.name() + "_hyper", parts);
    }

    /** The hypergradient kernel over {@code g} and {@code dp.h} for each learnable {@code h} (see the class description). */
    public static Kernel hypergradient(List<String> learnable) {
        Expr g = Expr.buffer(ElementwiseRule.GRADIENT);
        Kernel.Builder k = Kernel.builder("hypergradient")
                .sum(NON_FINITE, NonFinite.term(g));
        for (String h : learnable) {
            k.sum(hypergradient(h), g.times(Expr.buffer(derivativeBuffer(h))));
        }
        return k.build();
    }

    private static Expr substitute(Expr e, Map<String, Expr> replacement) {
        return switch (e) {
            case Expr.Scalar s -> replacement.getOrDefault(s.name(), s);
            case Expr.Unary u -> new Expr.Unary(u.op(), substitute(u.x(), replacement));
            case Expr.Binary b -> new Expr.Binary(b.op(), substitute(b.a(), replacement), substitute(b.b(), replacement));
            case Expr.Select s -> new Expr.Select(substitute(s.condition(), replacement),
                    substitute(s.ifTrue(), replacement), substitute(s.ifFalse(), replacement));
            default -> e;
        };
    }
}
