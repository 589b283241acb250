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
 * {@link #fragment()} that reads {@value FusibleProbe#GRADIENT} once. The fragment runs on its own
 * ({@link #observe}) or inside an optimizer's step ({@link ProbeFusion}); either way
 * {@link #bind} binds the probes' tensors and scalars of one parameter into the arguments of the
 * kernel that holds it, and {@link #observed} hands each probe its own reductions.
 *
 * <p>The probes' statements are independent (each reads only the gradient and its own buffers), so
 * the pass changes none of their numbers: each probe's statistics are those of its own
 * {@link Probe#observe}, bit for bit.
 */
public final class ProbePass {
    private final List<FusibleProbe> probes;
    private final Kernel fragment;

    /**
     * The pass of {@code probes} (at least one), its fragment named {@code name}.
     *
     * @throws IllegalArgumentException if there is no probe or a probe's kernel stores the gradient
     */
    public ProbePass(String name, List<FusibleProbe> probes) {
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("a probe pass needs at least one probe");
        }
        this.probes = List.copyOf(probes);
        List<Statement> statements = new ArrayList<>();
        for (int j = 0; j < probes.size(); j++) {
            Kernel k = probes.get(j).kernel();
            if (k.storedBuffers().contains(FusibleProbe.GRADIENT)) {
                throw new IllegalArgumentException("probe " + probes.get(j).name() + ": its kernel " + k.name()
                        + " stores the gradient " + FusibleProbe.GRADIENT);
            }
            String prefix = prefix(j);
            k.statements().forEach(st -> statements.add(rename(st, prefix)));
        }
        this.fragment = Kernel.of(name, statements);
    }

    private static String prefix(int j) {
        return "probe" + j + ".";
    }

    /** The probes, in the order of their prefixes. */
    public List<FusibleProbe> probes() {
        return probes;
    }

    /** Every probe's kernel, renamed, in order: one program that reads the gradient once. */
    public Kernel fragment() {
        return fragment;
    }

    /**
     * Binds every probe's buffers of parameter {@code parameter} and its scalars, as they are for the
     * next observation, into {@code args}, arguments of {@link #fragment()} or of a kernel that
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
     * contains the fragment, run over each parameter of {@code parameters} (in order) with the
     * bindings of {@link #bind}; each probe gets its own, under its own names.
     *
     * @throws IllegalArgumentException as {@link FusibleProbe#observed}
     */
    public void observed(ParameterSet parameters, List<Reductions> reductions) {
        for (int j = 0; j < probes.size(); j++) {
            FusibleProbe p = probes.get(j);
            String prefix = prefix(j);
            List<String> names = p.kernel().reductions();
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
     * One observation by the pass on its own: {@code compiled} (a compilation of {@link #fragment()})
     * runs once over each parameter's gradient, then {@link #observed}.
     */
    public void observe(ParameterSet parameters, CompiledKernel compiled) {
        List<Reductions> reductions = new ArrayList<>();
        for (int i = 0; i < parameters.parameters().size(); i++) {
            KernelArgs args = compiled.args().buffer(FusibleProbe.GRADIENT, parameters.parameters().get(i).gradient());
            bind(args, i);
            reductions.add(compiled.run(args));
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
