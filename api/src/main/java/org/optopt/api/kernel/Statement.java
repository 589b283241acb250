package org.optopt.api.kernel;

import java.util.Objects;

/** One step of a {@link Kernel}, executed per element in program order. */
public sealed interface Statement {

    /** The expression this statement evaluates. */
    Expr value();

    /** Defines a per-element local value that later statements read as {@link Expr.Local}. */
    record Let(String name, Expr value) implements Statement {
        /** Creates the definition; both arguments are required. */
        public Let {
            Names.require(name, "local");
            Objects.requireNonNull(value, "value of local " + name);
        }

        @Override
        public String toString() {
            return "let " + name + " = " + Expr.format(value);
        }
    }

    /** Writes the expression's value into the current element of tensor buffer {@code buffer}. */
    record Store(String buffer, Expr value) implements Statement {
        /** Creates the store; both arguments are required. */
        public Store {
            Names.require(buffer, "buffer");
            Objects.requireNonNull(value, "value stored to " + buffer);
        }

        @Override
        public String toString() {
            return buffer + " = " + Expr.format(value);
        }
    }

    /**
     * Accumulates the expression over all elements (in double precision) into the scalar result
     * {@code name}, returned by each kernel call.
     */
    record Reduce(String name, ReduceOp op, Expr value) implements Statement {
        /** Creates the reduction; all arguments are required. */
        public Reduce {
            Names.require(name, "reduction");
            Objects.requireNonNull(op, "op of reduction " + name);
            Objects.requireNonNull(value, "value of reduction " + name);
        }

        @Override
        public String toString() {
            return name + " = " + op.name().toLowerCase(java.util.Locale.ROOT) + "(" + Expr.format(value) + ")";
        }
    }
}
