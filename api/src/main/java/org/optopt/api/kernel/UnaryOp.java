package org.optopt.api.kernel;

/**
 * Elementwise functions of one float. Each is evaluated as the float32 value of
 * {@link KernelMath}'s method of the same name; the formula is given per constant.
 */
public enum UnaryOp {
    /** {@code -x} */
    NEG("-"),
    /** {@code |x|} */
    ABS("abs"),
    /** {@code sqrt(x)}, correctly rounded */
    SQRT("sqrt"),
    /** {@code x*x} */
    SQUARE("square"),
    /** {@code 1/x} */
    RECIPROCAL("recip"),
    /** {@code e^x} */
    EXP("exp"),
    /** natural logarithm */
    LOG("log"),
    /** hyperbolic tangent, within 7 ulp on elements ({@link KernelMath#tanh(float)}) */
    TANH("tanh"),
    /** {@code 1/(1+e^-x)} */
    SIGMOID("sigmoid"),
    /** {@code log(1+e^x)}, computed without overflow */
    SOFTPLUS("softplus"),
    /** {@code x/(1+|x|)} */
    SOFTSIGN("softsign"),
    /** arc tangent */
    ATAN("atan"),
    /** the error function */
    ERF("erf"),
    /** {@code -1, 0, +1} by the sign of x (NaN stays NaN) */
    SIGN("sign");

    private final String symbol;

    UnaryOp(String symbol) {
        this.symbol = symbol;
    }

    /** The name used when printing kernels. */
    public String symbol() {
        return symbol;
    }
}
