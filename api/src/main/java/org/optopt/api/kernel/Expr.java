package org.optopt.api.kernel;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A per-element expression of the kernel language: a tree over buffer elements, runtime
 * scalars, constants, earlier local values and elementwise ops.
 *
 * <p>Build expressions with the static factories and the fluent methods, e.g. Adam's first moment
 * {@code scalar("beta1").times(buffer("m")).plus(one().minus(scalar("beta1")).times(buffer("g")))}.
 * Expressions are immutable values with structural equality.
 */
public sealed interface Expr {

    /** The current element of tensor buffer {@code name} (its value after any earlier store in the kernel). */
    record Buffer(String name) implements Expr {
        /** Creates a buffer reference; the name must be a non-blank identifier. */
        public Buffer {
            Names.require(name, "buffer");
        }
    }

    /** A runtime scalar bound per call, e.g. a hyperparameter; never compiled in as a constant. */
    record Scalar(String name) implements Expr {
        /** Creates a scalar reference; the name must be a non-blank identifier. */
        public Scalar {
            Names.require(name, "scalar");
        }
    }

    /** A float constant. */
    record Const(float value) implements Expr {
        @Override
        public boolean equals(Object o) {
            return o instanceof Const c && Float.floatToIntBits(c.value) == Float.floatToIntBits(value);
        }

        @Override
        public int hashCode() {
            return Float.hashCode(value);
        }
    }

    /** The value of an earlier {@link Statement.Let} of the same kernel. */
    record Local(String name) implements Expr {
        /** Creates a local reference; the name must be a non-blank identifier. */
        public Local {
            Names.require(name, "local");
        }
    }

    /** An elementwise function of one operand. */
    record Unary(UnaryOp op, Expr x) implements Expr {
        /** Creates the op node; both arguments are required. */
        public Unary {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(x, "operand");
        }
    }

    /** An elementwise function of two operands. */
    record Binary(BinaryOp op, Expr a, Expr b) implements Expr {
        /** Creates the op node; all arguments are required. */
        public Binary {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(a, "left operand");
            Objects.requireNonNull(b, "right operand");
        }
    }

    /** {@code condition != 0 ? ifTrue : ifFalse}, per element. */
    record Select(Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {
        /** Creates the selection; all arguments are required. */
        public Select {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(ifTrue, "ifTrue");
            Objects.requireNonNull(ifFalse, "ifFalse");
        }
    }

    /** A reference to the current element of buffer {@code name}. */
    static Expr buffer(String name) {
        return new Buffer(name);
    }

    /** A reference to runtime scalar {@code name}. */
    static Expr scalar(String name) {
        return new Scalar(name);
    }

    /** A reference to local {@code name}. */
    static Expr local(String name) {
        return new Local(name);
    }

    /** A float constant. */
    static Expr constant(double value) {
        return new Const((float) value);
    }

    /** The constant 0. */
    static Expr zero() {
        return new Const(0f);
    }

    /** The constant 1. */
    static Expr one() {
        return new Const(1f);
    }

    /** {@code condition != 0 ? ifTrue : ifFalse}. */
    static Expr select(Expr condition, Expr ifTrue, Expr ifFalse) {
        return new Select(condition, ifTrue, ifFalse);
    }

    /** {@code this + o} */
    default Expr plus(Expr o) {
        return new Binary(BinaryOp.ADD, this, o);
    }

    /** {@code this + c} */
    default Expr plus(double c) {
        return plus(constant(c));
    }

    /** {@code this - o} */
    default Expr minus(Expr o) {
        return new Binary(BinaryOp.SUB, this, o);
    }

    /** {@code this - c} */
    default Expr minus(double c) {
        return minus(constant(c));
    }

    /** {@code this * o} */
    default Expr times(Expr o) {
        return new Binary(BinaryOp.MUL, this, o);
    }

    /** {@code this * c} */
    default Expr times(double c) {
        return times(constant(c));
    }

    /** {@code this / o} */
    default Expr div(Expr o) {
        return new Binary(BinaryOp.DIV, this, o);
    }

    /** {@code this / c} */
    default Expr div(double c) {
        return div(constant(c));
    }

    /** {@code this ^ o} */
    default Expr pow(Expr o) {
        return new Binary(BinaryOp.POW, this, o);
    }

    /** {@code this ^ c} */
    default Expr pow(double c) {
        return pow(constant(c));
    }

    /** {@code max(this, o)} */
    default Expr max(Expr o) {
        return new Binary(BinaryOp.MAX, this, o);
    }

    /** {@code min(this, o)} */
    default Expr min(Expr o) {
        return new Binary(BinaryOp.MIN, this, o);
    }

    /** {@code this > o} as 1 or 0 */
    default Expr gt(Expr o) {
        return new Binary(BinaryOp.GT, this, o);
    }

    /** {@code this < o} as 1 or 0 */
    default Expr lt(Expr o) {
        return new Binary(BinaryOp.LT, this, o);
    }

    /** {@code -this} */
    default Expr neg() {
        return new Unary(UnaryOp.NEG, this);
    }

    /** {@code 1 - this} */
    default Expr oneMinus() {
        return one().minus(this);
    }

    /** Applies a unary op to this. */
    default Expr apply(UnaryOp op) {
        return new Unary(op, this);
    }

    /** {@code sqrt(this)} */
    default Expr sqrt() {
        return apply(UnaryOp.SQRT);
    }

    /** {@code this * this} */
    default Expr square() {
        return apply(UnaryOp.SQUARE);
    }

    /** {@code |this|} */
    default Expr abs() {
        return apply(UnaryOp.ABS);
    }

    /** {@code sign(this)} */
    default Expr sign() {
        return apply(UnaryOp.SIGN);
    }

    /**
     * Whether this expression is uniform: it reads no buffer element and no local, so it has
     * the same value for every element.
     */
    default boolean isUniform() {
        return switch (this) {
            case Buffer b -> false;
            case Local l -> false;
            case Scalar s -> true;
            case Const c -> true;
            case Unary u -> u.x().isUniform();
            case Binary b -> b.a().isUniform() && b.b().isUniform();
            case Select s -> s.condition().isUniform() && s.ifTrue().isUniform() && s.ifFalse().isUniform();
        };
    }

    /** Calls {@code visitor} on this node and every node below it, parents first. */
    default void walk(Consumer<Expr> visitor) {
        visitor.accept(this);
        switch (this) {
            case Unary u -> u.x().walk(visitor);
            case Binary b -> {
                b.a().walk(visitor);
                b.b().walk(visitor);
            }
            case Select s -> {
                s.condition().walk(visitor);
                s.ifTrue().walk(visitor);
                s.ifFalse().walk(visitor);
            }
            default -> { }
        }
    }

    /** Infix text with the fewest parentheses that keep the evaluation order, e.g. {@code b1*m + (1 - b1)*g}. */
    static String format(Expr e) {
        return ExprFormat.format(e);
    }
}
