package org.optopt.api.kernel;

/**
 * Elementwise functions of two floats. Comparisons yield 1 or 0 and feed {@link Expr.Select}.
 */
public enum BinaryOp {
    /** {@code a + b} */
    ADD("+", 1),
    /** {@code a - b} */
    SUB("-", 1),
    /** {@code a * b} */
    MUL("*", 2),
    /** {@code a / b} */
    DIV("/", 2),
    /** {@code a^b}, as {@link Math#pow(double, double)} */
    POW("^", 3),
    /** the larger value; NaN if either is NaN */
    MAX("max", 0),
    /** the smaller value; NaN if either is NaN */
    MIN("min", 0),
    /** 1 if {@code a > b}, else 0 */
    GT(">", 0),
    /** 1 if {@code a >= b}, else 0 */
    GE(">=", 0),
    /** 1 if {@code a < b}, else 0 */
    LT("<", 0),
    /** 1 if {@code a <= b}, else 0 */
    LE("<=", 0);

    private final String symbol;
    private final int precedence;

    BinaryOp(String symbol, int precedence) {
        this.symbol = symbol;
        this.precedence = precedence;
    }

    /** The operator or function name used when printing kernels. */
    public String symbol() {
        return symbol;
    }

    /** Whether this prints as an infix operator (else as a function call). */
    public boolean isInfix() {
        return precedence > 0;
    }

    /** Binding strength of an infix operator: higher binds tighter; 0 for function-style ops. */
    public int precedence() {
        return precedence;
    }

    /** Whether the result is a 0/1 comparison. */
    public boolean isComparison() {
        return this == GT || this == GE || this == LT || this == LE;
    }
}
