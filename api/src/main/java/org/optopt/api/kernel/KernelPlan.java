package org.optopt.api.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kernel lowered for execution: the form that backends compile and the interpreter runs.
 *
 * <ul>
 *   <li>Every maximal uniform subexpression (scalars and constants only, not a bare constant) is
 *       hoisted into {@link #uniforms()} and replaced in the element program by a slot reference
 *       {@code Scalar("#k")}; {@link #evaluateUniforms(double[])} computes the slots once per call.</li>
 *   <li>The element program is in single-assignment form: a {@link Expr.Buffer} read always means
 *       the element's value before the kernel ran; reads after a store were rewritten to read a
 *       local holding the stored value.</li>
 * </ul>
 */
public final class KernelPlan {
    private static final String SLOT_PREFIX = "#";

    private final Kernel kernel;
    private final List<Expr> uniforms;
    private final List<Statement> statements;

    private KernelPlan(Kernel kernel, List<Expr> uniforms, List<Statement> statements) {
        this.kernel = kernel;
        this.uniforms = List.copyOf(uniforms);
        this.statements = List.copyOf(statements);
    }

    /** Lowers a kernel. */
    public static KernelPlan of(Kernel kernel) {
        Lowering l = new Lowering(kernel);
        return new KernelPlan(kernel, l.uniforms, l.out);
    }

    /** The kernel this plan executes. */
    public Kernel kernel() {
        return kernel;
    }

    /** The hoisted uniform expressions; slot k is referenced as {@code Scalar("#k")}. */
    public List<Expr> uniforms() {
        return uniforms;
    }

    /** The element program (see the class description). */
    public List<Statement> statements() {
        return statements;
    }

    /** The slot index of a hoisted-uniform reference, or -1 if {@code s} is not one. */
    public static int slot(Expr.Scalar s) {
        return s.name().startsWith(SLOT_PREFIX) ? Integer.parseInt(s.name().substring(SLOT_PREFIX.length())) : -1;
    }

    /**
     * Evaluates every uniform slot in double precision and rounds each to float.
     *
     * @param scalars the runtime scalars in the order of {@link Kernel#scalars()}
     */
    public float[] evaluateUniforms(double[] scalars) {
        float[] out = new float[uniforms.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) evaluateUniform(uniforms.get(k), scalars);
        }
        return out;
    }

    private double evaluateUniform(Expr e, double[] scalars) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Scalar s -> scalars[kernel.scalarIndex(s.name())];
            case Expr.Unary u -> KernelMath.uniform(u.op(), evaluateUniform(u.x(), scalars));
            case Expr.Binary b -> KernelMath.uniform(b.op(), evaluateUniform(b.a(), scalars),
                    evaluateUniform(b.b(), scalars));
            case Expr.Select s -> evaluateUniform(s.condition(), scalars) != 0
                    ? evaluateUniform(s.ifTrue(), scalars) : evaluateUniform(s.ifFalse(), scalars);
            case Expr.Buffer b -> throw new IllegalStateException("not uniform: " + b);
            case Expr.Local l -> throw new IllegalStateException("not uniform: " + l);
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("plan of ").append(kernel.name()).append('\n');
        for (int k = 0; k < uniforms.size(); k++) {
            sb.append("  #").append(k).append(" = ").append(Expr.format(uniforms.get(k))).append('\n');
        }
        for (Statement st : statements) {
            sb.append("  ").append(st).append('\n');
        }
        return sb.toString();
    }

    private static final class Lowering {
        final List<Expr> uniforms = new ArrayList<>();
        final Map<Expr, Integer> uniformSlots = new HashMap<>();
        final List<Statement> out = new ArrayList<>();
        final Map<String, Expr> current = new LinkedHashMap<>();
        final Set<String> usedNames = new HashSet<>();
        int fresh;

        Lowering(Kernel kernel) {
            for (Statement st : kernel.statements()) {
                if (st instanceof Statement.Let let) {
                    usedNames.add(let.name());
                }
            }
            for (Statement st : kernel.statements()) {
                Expr v = rewrite(st.value());
                switch (st) {
                    case Statement.Let let -> out.add(new Statement.Let(let.name(), v));
                    case Statement.Reduce r -> out.add(new Statement.Reduce(r.name(), r.op(), v));
                    case Statement.Store s -> {
                        Expr stored = v;
                        if (!(v instanceof Expr.Local) && !(v instanceof Expr.Const)) {
                            String local = freshName(s.buffer());
                            out.add(new Statement.Let(local, v));
                            stored = new Expr.Local(local);
                        }
                        out.add(new Statement.Store(s.buffer(), stored));
                        current.put(s.buffer(), stored);
                    }
                }
            }
        }

        private String freshName(String base) {
            String n;
            do {
                n = base + "@" + (fresh++);
            } while (!usedNames.add(n));
            return n;
        }

        private Expr rewrite(Expr e) {
            if (e.isUniform() && !(e instanceof Expr.Const)) {
                Integer slot = uniformSlots.get(e);
                if (slot == null) {
                    slot = uniforms.size();
                    uniforms.add(e);
                    uniformSlots.put(e, slot);
                }
                return new Expr.Scalar(SLOT_PREFIX + slot);
            }
            return switch (e) {
                case Expr.Buffer b -> current.getOrDefault(b.name(), b);
                case Expr.Unary u -> new Expr.Unary(u.op(), rewrite(u.x()));
                case Expr.Binary b -> new Expr.Binary(b.op(), rewrite(b.a()), rewrite(b.b()));
                case Expr.Select s -> new Expr.Select(rewrite(s.condition()), rewrite(s.ifTrue()),
                        rewrite(s.ifFalse()));
                default -> e;
            };
        }
    }
}
