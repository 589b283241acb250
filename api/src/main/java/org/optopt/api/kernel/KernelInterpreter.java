package org.optopt.api.kernel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference semantics of the kernel language: a plain scalar interpreter over host arrays.
 * Every backend's compiled kernels must produce the same stored values (bit for bit) and the
 * same reductions (up to summation order).
 */
public final class KernelInterpreter {
    private final KernelPlan plan;
    private final Node[] program;
    private final int localCount;

    /** Prepares the interpreter for one kernel. */
    public KernelInterpreter(Kernel kernel) {
        this.plan = KernelPlan.of(kernel);
        Map<String, Integer> locals = new HashMap<>();
        List<Statement> sts = plan.statements();
        this.program = new Node[sts.size()];
        for (int i = 0; i < sts.size(); i++) {
            Statement st = sts.get(i);
            Eval value = compile(st.value(), kernel, locals);
            program[i] = switch (st) {
                case Statement.Let let -> {
                    int slot = locals.size();
                    locals.put(let.name(), slot);
                    yield new Node(Node.LET, slot, value, null);
                }
                case Statement.Store s -> new Node(Node.STORE, kernel.bufferIndex(s.buffer()), value, null);
                case Statement.Reduce r -> new Node(Node.REDUCE, kernel.reductions().indexOf(r.name()), value, r.op());
            };
        }
        this.localCount = locals.size();
    }

    /** The lowered plan being interpreted. */
    public KernelPlan plan() {
        return plan;
    }

    /**
     * Runs the kernel over host arrays given by name.
     *
     * @param buffers every buffer of the kernel, all of one length; stored buffers are overwritten
     * @param scalars every scalar of the kernel
     * @return the reductions
     * @throws IllegalArgumentException if a binding is missing, unknown, of another length, or a
     *     scalar is not finite
     */
    public static Reductions run(Kernel kernel, Map<String, float[]> buffers, Map<String, Double> scalars) {
        for (String name : buffers.keySet()) {
            if (kernel.bufferIndex(name) < 0) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + " has no buffer '" + name
                        + "'; its buffers are " + kernel.buffers());
            }
        }
        for (String name : scalars.keySet()) {
            if (kernel.scalarIndex(name) < 0) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + " has no scalar '" + name
                        + "'; its scalars are " + kernel.scalars());
            }
        }
        float[][] bufs = new float[kernel.buffers().size()][];
        for (int i = 0; i < bufs.length; i++) {
            String name = kernel.buffers().get(i);
            bufs[i] = buffers.get(name);
            if (bufs[i] == null) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": buffer '" + name + "' is not bound");
            }
            if (bufs[i].length != bufs[0].length) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": buffer '" + name + "' has "
                        + bufs[i].length + " elements but '" + kernel.buffers().get(0) + "' has " + bufs[0].length);
            }
        }
        double[] sc = new double[kernel.scalars().size()];
        for (int i = 0; i < sc.length; i++) {
            String name = kernel.scalars().get(i);
            Double v = scalars.get(name);
            if (v == null) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": scalar '" + name + "' is not bound");
            }
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": scalar '" + name + "' is " + v);
            }
            sc[i] = v;
        }
        double[] red = new KernelInterpreter(kernel).run(bufs, sc, 0, bufs.length == 0 ? 0 : bufs[0].length);
        return new Reductions(kernel.reductions(), red);
    }

    /**
     * Runs elements {@code [from, to)} over positional buffers and scalars (kernel order), without
     * validation. Returns the partial reductions of that range.
     */
    public double[] run(float[][] buffers, double[] scalars, int from, int to) {
        float[] uniforms = plan.evaluateUniforms(scalars);
        double[] acc = new double[plan.kernel().reductions().size()];
        ReduceOp[] ops = new ReduceOp[acc.length];
        for (Node n : program) {
            if (n.kind == Node.REDUCE) {
                acc[n.index] = n.op.identity();
                ops[n.index] = n.op;
            }
        }
        float[] locals = new float[localCount];
        for (int i = from; i < to; i++) {
            for (Node n : program) {
                float v = n.value.eval(buffers, uniforms, locals, i);
                switch (n.kind) {
                    case Node.LET -> locals[n.index] = v;
                    case Node.STORE -> buffers[n.index][i] = v;
                    default -> acc[n.index] = ops[n.index].combine(acc[n.index], v);
                }
            }
        }
        return acc;
    }

    private record Node(int kind, int index, Eval value, ReduceOp op) {
        static final int LET = 0;
        static final int STORE = 1;
        static final int REDUCE = 2;
    }

    @FunctionalInterface
    private interface Eval {
        float eval(float[][] buffers, float[] uniforms, float[] locals, int i);
    }

    private static Eval compile(Expr e, Kernel kernel, Map<String, Integer> locals) {
        return switch (e) {
            case Expr.Const c -> {
                float v = c.value();
                yield (b, u, l, i) -> v;
            }
            case Expr.Scalar s -> {
                int slot = KernelPlan.slot(s);
                yield (b, u, l, i) -> u[slot];
            }
            case Expr.Buffer buf -> {
                int index = kernel.bufferIndex(buf.name());
                yield (b, u, l, i) -> b[index][i];
            }
            case Expr.Local loc -> {
                int slot = locals.get(loc.name());
                yield (b, u, l, i) -> l[slot];
            }
            case Expr.Unary un -> {
                Eval x = compile(un.x(), kernel, locals);
                UnaryOp op = un.op();
                yield (b, u, l, i) -> KernelMath.apply(op, x.eval(b, u, l, i));
            }
            case Expr.Binary bin -> {
                Eval x = compile(bin.a(), kernel, locals);
                Eval y = compile(bin.b(), kernel, locals);
                BinaryOp op = bin.op();
                yield (b, u, l, i) -> KernelMath.apply(op, x.eval(b, u, l, i), y.eval(b, u, l, i));
            }
            case Expr.Select sel -> {
                Eval c = compile(sel.condition(), kernel, locals);
                Eval t = compile(sel.ifTrue(), kernel, locals);
                Eval f = compile(sel.ifFalse(), kernel, locals);
                yield (b, u, l, i) -> c.eval(b, u, l, i) != 0 ? t.eval(b, u, l, i) : f.eval(b, u, l, i);
            }
        };
    }
}
