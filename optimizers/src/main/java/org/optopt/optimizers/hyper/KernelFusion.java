package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Statement;

/**
 * Concatenates kernels that all read their buffers' values from before the fused kernel runs
 * (each part is in single-assignment form: no part reads a buffer that any part stores), removing
 * common {@code let}s (same expression, so same value) and {@code let}s nothing reads.
 *
 * <p>Used to fuse one update kernel with the derivative kernels of several hyperparameters: each
 * {@link org.optopt.api.kernel.Derivative} kernel recomputes the update's values, and fusion keeps
 * one copy of each, so the fused kernel makes one pass and evaluates every shared value once.
 */
final class KernelFusion {
    private KernelFusion() {}

    /**
     * Fuses {@code parts} in order into one kernel named {@code name}.
     *
     * @throws IllegalStateException if a part reads a buffer stored by an earlier statement (the
     *     parts would not be independent)
     */
    static Kernel fuse(String name, List<Kernel> parts) {
        List<Statement> out = new ArrayList<>();
        Map<Expr, String> byValue = new HashMap<>();
        Set<String> used = new HashSet<>();
        Set<String> stored = new HashSet<>();
        for (Kernel part : parts) {
            Map<String, String> rename = new HashMap<>();
            for (Statement st : part.statements()) {
                Expr v = rename(st.value(), rename);
                v.walk(e -> {
                    if (e instanceof Expr.Buffer b && stored.contains(b.name())) {
                        throw new IllegalStateException("Kernel " + part.name() + " reads buffer " + b.name()
                                + " after it was stored; parts must read only values from before the kernel");
                    }
                });
                switch (st) {
                    case Statement.Let let -> {
                        if (v instanceof Expr.Local l) {
                            rename.put(let.name(), l.name());
                            continue;
                        }
                        String existing = byValue.get(v);
                        if (existing != null) {
                            rename.put(let.name(), existing);
                            continue;
                        }
                        String n = let.name();
                        for (int k = 1; used.contains(n); k++) {
                            n = let.name() + "$" + k;
                        }
                        used.add(n);
                        rename.put(let.name(), n);
                        byValue.put(v, n);
                        out.add(new Statement.Let(n, v));
                    }
                    case Statement.Store s -> {
                        out.add(new Statement.Store(s.buffer(), v));
                        stored.add(s.buffer());
                    }
                    case Statement.Reduce r -> out.add(new Statement.Reduce(r.name(), r.op(), v));
                }
            }
        }
        return Kernel.of(name, withoutDeadLets(out));
    }

    private static List<Statement> withoutDeadLets(List<Statement> statements) {
        Set<String> live = new HashSet<>();
        List<Statement> kept = new ArrayList<>();
        for (int i = statements.size() - 1; i >= 0; i--) {
            Statement st = statements.get(i);
            if (st instanceof Statement.Let let && !live.contains(let.name())) {
                continue;
            }
            st.value().walk(e -> {
                if (e instanceof Expr.Local l) {
                    live.add(l.name());
                }
            });
            kept.add(st);
        }
        return kept.reversed();
    }

    private static Expr rename(Expr e, Map<String, String> rename) {
        return switch (e) {
            case Expr.Local l -> rename.containsKey(l.name()) ? new Expr.Local(rename.get(l.name())) : l;
            case Expr.Unary u -> new Expr.Unary(u.op(), rename(u.x(), rename));
            case Expr.Binary b -> new Expr.Binary(b.op(), rename(b.a(), rename), rename(b.b(), rename));
            case Expr.Select s -> new Expr.Select(rename(s.condition(), rename), rename(s.ifTrue(), rename),
                    rename(s.ifFalse(), rename));
            default -> e;
        };
    }
}
