package org.optopt.api.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An elementwise program: an ordered list of {@link Statement}s executed for every element index
 * of a set of equally shaped tensor buffers, with runtime scalars and optional reductions.
 *
 * <p>Semantics (defined by {@link KernelInterpreter}; every backend must match it):
 * <ul>
 *   <li>For each element index, statements run in order. A {@link Expr.Buffer} read returns the
 *       buffer's element as it was before the kernel, or the value of the latest earlier
 *       {@link Statement.Store} to that buffer within the same element.</li>
 *   <li>Element arithmetic is float32, each op rounded to float ({@link KernelMath}); uniform
 *       subexpressions (scalars and constants only) are evaluated once per call in double
 *       precision and rounded to float once.</li>
 *   <li>Reductions accumulate in double; summation order is unspecified.</li>
 * </ul>
 *
 * <p>Kernels are validated when built: a local must be defined before it is read, names must not
 * be defined twice, and no name may denote two kinds of things. Example (SGD):
 * <pre>{@code
 * Kernel sgd = Kernel.builder("sgd")
 *         .store("p", buffer("p").minus(scalar("lr").times(buffer("g"))))
 *         .build();
 * }</pre>
 */
public final class Kernel {
    private final String name;
    private final List<Statement> statements;
    private final List<String> buffers;
    private final List<String> storedBuffers;
    private final List<String> scalars;
    private final List<String> reductions;

    private Kernel(String name, List<Statement> statements) {
        this.name = name;
        this.statements = List.copyOf(statements);
        Set<String> locals = new LinkedHashSet<>();
        Set<String> bufs = new LinkedHashSet<>();
        Set<String> stored = new LinkedHashSet<>();
        Set<String> scals = new LinkedHashSet<>();
        Set<String> reds = new LinkedHashSet<>();
        for (Statement st : statements) {
            st.value().walk(e -> {
                switch (e) {
                    case Expr.Local l -> {
                        if (!locals.contains(l.name())) {
                            throw new IllegalArgumentException("Kernel " + name + ": local '" + l.name()
                                    + "' is read before it is defined (in: " + st + ")");
                        }
                    }
                    case Expr.Buffer b -> bufs.add(b.name());
                    case Expr.Scalar s -> scals.add(s.name());
                    default -> { }
                }
            });
            switch (st) {
                case Statement.Let let -> {
                    if (!locals.add(let.name())) {
                        throw new IllegalArgumentException(
                                "Kernel " + name + ": local '" + let.name() + "' is defined twice");
                    }
                }
                case Statement.Store s -> {
                    bufs.add(s.buffer());
                    stored.add(s.buffer());
                }
                case Statement.Reduce r -> {
                    if (!reds.add(r.name())) {
                        throw new IllegalArgumentException(
                                "Kernel " + name + ": reduction '" + r.name() + "' is defined twice");
                    }
                }
            }
        }
        requireDisjoint(name, bufs, "buffer", locals, "local");
        requireDisjoint(name, bufs, "buffer", scals, "scalar");
        requireDisjoint(name, scals, "scalar", locals, "local");
        if (stored.isEmpty() && reds.isEmpty()) {
            throw new IllegalArgumentException("Kernel " + name + " has no effect: it stores no buffer and reduces nothing");
        }
        this.buffers = List.copyOf(bufs);
        this.storedBuffers = List.copyOf(stored);
        this.scalars = List.copyOf(scals);
        this.reductions = List.copyOf(reds);
    }

    private static void requireDisjoint(String kernel, Set<String> a, String aKind, Set<String> b, String bKind) {
        for (String n : a) {
            if (b.contains(n)) {
                throw new IllegalArgumentException(
                        "Kernel " + kernel + ": '" + n + "' is used both as a " + aKind + " and as a " + bKind);
            }
        }
    }

    /** Starts a kernel named {@code name} (used in messages and listings). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Creates a kernel from a complete list of statements. */
    public static Kernel of(String name, List<Statement> statements) {
        Names.require(name, "kernel");
        return new Kernel(name, statements);
    }

    /** The kernel's name. */
    public String name() {
        return name;
    }

    /** The statements in program order. */
    public List<Statement> statements() {
        return statements;
    }

    /** Every tensor buffer the kernel reads or writes, in order of first appearance. */
    public List<String> buffers() {
        return buffers;
    }

    /** The buffers the kernel writes, in order of first store. */
    public List<String> storedBuffers() {
        return storedBuffers;
    }

    /** The runtime scalars, in order of first appearance. */
    public List<String> scalars() {
        return scalars;
    }

    /** The names of the reductions, in program order. */
    public List<String> reductions() {
        return reductions;
    }

    /** Index of buffer {@code buffer} in {@link #buffers()}, or -1. */
    public int bufferIndex(String buffer) {
        return buffers.indexOf(buffer);
    }

    /** Index of scalar {@code scalar} in {@link #scalars()}, or -1. */
    public int scalarIndex(String scalar) {
        return scalars.indexOf(scalar);
    }

    /** The program as text, one statement per line, under a header naming its buffers and scalars. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("kernel ").append(name).append("(buffers ")
                .append(String.join(", ", buffers));
        if (!scalars.isEmpty()) {
            sb.append("; scalars ").append(String.join(", ", scalars));
        }
        sb.append(")\n");
        for (Statement st : statements) {
            sb.append("  ").append(st).append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kernel k && k.name.equals(name) && k.statements.equals(statements);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, statements);
    }

    /** Collects statements in program order. */
    public static final class Builder {
        private final String name;
        private final List<Statement> statements = new ArrayList<>();

        private Builder(String name) {
            Names.require(name, "kernel");
            this.name = name;
        }

        /** Appends {@code let local = value}. */
        public Builder let(String local, Expr value) {
            statements.add(new Statement.Let(local, value));
            return this;
        }

        /** Appends {@code buffer = value}. */
        public Builder store(String buffer, Expr value) {
            statements.add(new Statement.Store(buffer, value));
            return this;
        }

        /** Appends the reduction {@code result = op(value)} over all elements. */
        public Builder reduce(String result, ReduceOp op, Expr value) {
            statements.add(new Statement.Reduce(result, op, value));
            return this;
        }

        /** Appends {@code result = sum(value)}, accumulated in double. */
        public Builder sum(String result, Expr value) {
            return reduce(result, ReduceOp.SUM, value);
        }

        /** Appends {@code result = sum(value)} that may add float partial sums ({@link ReduceOp#FLOAT_PARTIAL_SUM}). */
        public Builder floatPartialSum(String result, Expr value) {
            return reduce(result, ReduceOp.FLOAT_PARTIAL_SUM, value);
        }

        /** Appends any statement. */
        public Builder add(Statement statement) {
            statements.add(Objects.requireNonNull(statement, "statement"));
            return this;
        }

        /** Validates and builds the kernel. */
        public Kernel build() {
            return new Kernel(name, statements);
        }
    }
}
