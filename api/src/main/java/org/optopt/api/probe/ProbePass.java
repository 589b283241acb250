package org.optopt.api.probe;

import java.util.ArrayList;
import java.util.List;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.Statement;
import org.optopt.api.optim.ParameterSet;

/**
 * Several {@link FusibleProbe}s observed in one pass over each gradient: their kernels, each name
 * but the gradient's prefixed with {@code probe<j>.} (j the probe's position), concatenated into one
 * fragment that reads {@value FusibleProbe#GRADIENT} once. Where a probe has several kernels, the
 * pass has a fragment for every combination of its probes' kernels ({@link #fragments()}, each
 * compiled once by whoever runs it) and says which one the next observation runs ({@link #next()}).
 * A fragment runs on its own ({@link #observe}) or inside an optimizer's step ({@link ProbeFusion});
 * either way {@link #bind} binds the probes' tensors and scalars of one parameter into the arguments
 * of the kernel that holds it, and {@link #observed} hands each probe its own reductions.
 *
 * <p>The probes' statements are independent (each reads only the gradient and its own buffers), so
 * the pass changes none of their numbers: each probe's statistics are those of its own
 * {@link Probe#observe}, bit for bit.
 */
public final class ProbePass {
    private final List<FusibleProbe> probes;
    private final List<Kernel> fragments;

    /**
     * The pass of {@code probes} (at least one), its fragments named {@code name} (followed by
     * {@code _<index>} where there are several).
     *
     * @throws IllegalArgumentException if there is no probe or a probe's kernel stores the gradient
     */
    public ProbePass(String name, List<FusibleProbe> probes) {
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("a probe pass needs at least one probe");
        }
        this.probes = List.copyOf(probes);
        int count = 1;
        for (FusibleProbe p : probes) {
            for (Kernel k : p.kernels()) {
                if (k.storedBuffers().contains(FusibleProbe.GRADIENT)) {
                    throw new IllegalArgumentException("probe " + p.name() + ": its kernel " + k.name()
                            + " stores the gradient " + FusibleProbe.GRADIENT);
                }
            }
            count *= p.kernels().size();
        }
        List<Kernel> all = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            List<Statement> statements = new ArrayList<>();
            int rest = c;
            for (int j = 0; j < probes.size(); j++) {
                List<Kernel> kernels = probes.get(j).kernels();
                String prefix = prefix(j);
                kernels.get(rest % kernels.size()).statements().forEach(st -> statements.add(rename(st, prefix)));
                rest /= kernels.size();
            }
            all.add(Kernel.of(count == 1 ? name : name + "_" + c, statements));
        }
        this.fragments = List.copyOf(all);
    }

    private static String prefix(int j) {
        return "probe" + j + ".";
    }

    /** The probes, in the order of their prefixes. */
    public List<FusibleProbe> probes() {
        return probes;
    }

    /**
     * The fragments: fragment c holds, for each probe j in order, its kernel number d_j, where
     * c = d_0 + n_0 (d_1 + n_1 (d_2 + ...)) and n_j is the number of kernels of probe j. Each reads
     * the gradient once; there is one fragment where every probe has one kernel.
     */
    public List<Kernel> fragments() {
        return fragments;
    }

    /** The index in {@link #fragments()} of the fragment that holds every probe's next kernel. */
    public int next() {
        int c = 0;
        int stride = 1;
        for (FusibleProbe p : probes) {
            c += stride * p.next();
            stride *= p.kernels().size();
        }
        return c;
    }

    /**
     * Binds every probe's buffers of parameter {@code parameter} and its scalars, as they are for the
     * next observation, into {@code args}, arguments of fragment {@link #next()} or of a kernel that
     * contains its statements. The gradient is not bound here.
     */
    public void bind(KernelArgs args, int parameter) {
        for (int j = 0; j < probes.size(); j++) {
            FusibleProbe p = probes.get(j);
            String prefix = prefix(j);
            p.buffers(parameter).forEach((name, t) -> args.buffer(prefix + name, t));
            p.scalars().forEach((name, v) -> args.scalar(prefix + name, v));
        }
    }

    /**
     * Completes one observation of every probe: {@code reductions} are those of a kernel that
     * contains fragment {@link #next()}, run over each parameter of {@code parameters} (in order)
     * with the bindings of {@link #bind}; each probe gets its own, under its own names.
     *
     * @throws IllegalArgumentException as {@link FusibleProbe#observed}
     */
    public void observed(ParameterSet parameters, List<Reductions> reductions) {
        for (int j = 0; j < probes.size(); j++) {
            FusibleProbe p = probes.get(j);
            String prefix = prefix(j);
            List<String> names = p.kernels().get(p.next()).reductions();
            List<Reductions> own = new ArrayList<>(reductions.size());
            for (Reductions r : reductions) {
                double[] values = new double[names.size()];
                for (int k = 0; k < values.length; k++) {
                    values[k] = r.get(prefix + names.get(k));
                }
                own.add(new Reductions(names, values));
            }
            p.observed(parameters, own);
        }
    }

    /**
     * One observation by the pass on its own: fragment {@link #next()}, compiled as
     * {@code compiled.get(next())}, runs once over each parameter's gradient, then {@link #observed}.
     *
     * @param compiled compilations of {@link #fragments()}, in their order
     */
    public void observe(ParameterSet parameters, List<CompiledKernel> compiled) {
        CompiledKernel kernel = compiled.get(next());
        List<Reductions> reductions = new ArrayList<>();
        for (int i = 0; i < parameters.parameters().size(); i++) {
            KernelArgs args = kernel.args().buffer(FusibleProbe.GRADIENT, parameters.parameters().get(i).gradient());
            bind(args, i);
            reductions.add(kernel.run(args));
        }
        observed(parameters, reductions);
    }

    private static Statement rename(Statement st, String prefix) {
        return switch (st) {
            case Statement.Let l -> new Statement.Let(prefix + l.name(), rename(l.value(), prefix));
            case Statement.Store s -> new Statement.Store(prefix + s.buffer(), rename(s.value(), prefix));
            case Statement.Reduce r -> new Statement.Reduce(prefix + r.name(), r.op(), rename(r.value(), prefix));
        };
    }

    private static Expr rename(Expr e, String prefix) {
        return switch (e) {
            case Expr.Buffer b -> b.name().equals(FusibleProbe.GRADIENT) ? b : new Expr.Buffer(prefix + b.name());
            case Expr.Scalar s -> new Expr.Scalar(prefix + s.name());
            case Expr.Local l -> new Expr.Local(prefix + l.name());
            case Expr.Const c -> c;
            case Expr.Unary u -> new Expr.Unary(u.op(), rename(u.x(), prefix));
            case Expr.Binary b -> new Expr.Binary(b.op(), rename(b.a(), prefix), rename(b.b(), prefix));
            case Expr.Select s -> new Expr.Select(rename(s.condition(), prefix), rename(s.ifTrue(), prefix),
                    rename(s.ifFalse(), prefix));
        };
    }
}
