package org.optopt.api.kernel;

import static java.lang.Math.fma;

/**
 * The scalar arithmetic that defines every kernel op. Element values are float32 and each op
 * rounds its result to float32 ({@code f*} methods); {@link #tanh(float)} alone is an
 * approximation computed in float (within 7 ulp), so that compiled loops vectorize it. Uniform subexpressions — those that depend
 * on scalars and constants only — are evaluated once per kernel call in double precision and
 * rounded to float32 once ({@link #uniform(UnaryOp, double)}, {@link #uniform(BinaryOp, double, double)}).
 *
 * <p>Compiled backends call these same methods (or emit the identical float instruction) so that
 * a compiled kernel equals the {@link KernelInterpreter} bit for bit on elementwise results.
 */
public final class KernelMath {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    /**
     * The largest float at which tanh's float evaluation is exactly 1 and below which it never exceeds
     * 1 (about 7.98572; the correctly rounded tanh reaches 1 at 9.0109).
     */
    private static final float TANH_SATURATION = 0x1.ff160ap2f;
    private static final float TANH_P0 = 0.9999999736191354f;
    private static final float TANH_P1 = -0.158880786942523f;
    private static final float TANH_P2 = 0.03144999295322328f;
    private static final float TANH_P3 = 0.00790070815719939f;
    private static final float TANH_P4 = 0.0002197156102099741f;
    private static final float TANH_P5 = 1.2454978599823996e-06f;
    private static final float TANH_P6 = 7.316773570609449e-10f;
    private static final float TANH_Q1 = 0.17445215225194055f;
    private static final float TANH_Q2 = -0.04373170165910115f;
    private static final float TANH_Q3 = 0.024030533099711093f;
    private static final float TANH_Q4 = 0.0016067215469545617f;
    private static final float TANH_Q5 = 2.042762526846233e-05f;
    private static final float TANH_Q6 = 4.5025290808637884e-08f;

    private KernelMath() {}

    /** Float32 value of a unary op. */
    public static float apply(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQRT -> sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1f / x;
            case EXP -> exp(x);
            case LOG -> log(x);
            case TANH -> tanh(x);
            case SIGMOID -> sigmoid(x);
            case SOFTPLUS -> softplus(x);
            case SOFTSIGN -> softsign(x);
            case ATAN -> atan(x);
            case ERF -> erf(x);
            case SIGN -> Math.signum(x);
        };
    }

    /** Float32 value of a binary op. */
    public static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
        };
    }

    /** Double-precision value of a unary op, used for uniform subexpressions. */
    public static double uniform(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoidDouble(x);
            case SOFTPLUS -> softplusDouble(x);
            case SOFTSIGN -> x / (1.0 + Math.abs(x));
            case ATAN -> Math.atan(x);
            case ERF -> erfDouble(x);
            case SIGN -> Math.signum(x);
        };
    }

    /** Double-precision value of a binary op, used for uniform subexpressions. */
    public static double uniform(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
        };
    }

    /** Correctly rounded float square root. */
    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    /** {@code e^x} rounded to float. */
    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** Natural logarithm rounded to float. */
    public static float log(float x) {
        return (float) Math.log(x);
    }

    /**
     * Hyperbolic tangent in float arithmetic: {@code tanh(x) = c P(c^2) / Q(c^2)}, a rational
     * approximation of relative error 4e-8 on [0, 10] ({@code Q >= 1} there) whose float coefficients
     * are evaluated by Horner's rule with fused multiply-adds, at {@code c = x} clamped to
     * [-7.98572, 7.98572], where that evaluation is exactly +-1 and below which it never exceeds 1.
     * So {@code |tanh(x)| <= 1}, with equality from |x| = 7.98572 on (the correctly rounded value
     * reaches 1 at 9.0109); tanh is odd, tanh(-0) = -0, NaN gives NaN. Within 7 ulp of the
     * correctly rounded value, mean error 0.07 ulp, equal to it for 94% of the floats (checked
     * exhaustively over every float up to 10).
     *
     * <p>Float min, max, {@link Math#fma}, one multiplication and one division only: a compiled
     * loop vectorizes it 16 lanes wide, so that a fused Roaree step stays bound by memory rather
     * than by its tanh (the same rational evaluated in double was within 1 ulp, but Roaree then ran
     * at 0.35-0.39 of the bandwidth baseline, and clamping the result to [-1, 1] instead of the
     * argument cost a fifth of the step). {@link Math#fma} is exact by specification, so every JVM
     * computes the same bits; it is fast on CPUs with FMA instructions (x86-64 since 2013, every
     * 64-bit ARM). The coefficients come from {@code scripts/kernelmath/fit_tanh.py}.
     */
    public static float tanh(float x) {
        float c = Math.min(Math.max(x, -TANH_SATURATION), TANH_SATURATION);
        float y = c * c;
        float p = fma(fma(fma(fma(fma(fma(TANH_P6, y, TANH_P5), y, TANH_P4), y, TANH_P3), y, TANH_P2), y, TANH_P1),
                y, TANH_P0);
        float q = fma(fma(fma(fma(fma(fma(TANH_Q6, y, TANH_Q5), y, TANH_Q4), y, TANH_Q3), y, TANH_Q2), y, TANH_Q1),
                y, 1f);
        return c * p / q;
    }

    /** Logistic sigmoid rounded to float. */
    public static float sigmoid(float x) {
        return (float) sigmoidDouble(x);
    }

    /** {@code log(1+e^x)} rounded to float. */
    public static float softplus(float x) {
        return (float) softplusDouble(x);
    }

    /** {@code x/(1+|x|)} in float arithmetic. */
    public static float softsign(float x) {
        return x / (1f + Math.abs(x));
    }

    /** Arc tangent rounded to float. */
    public static float atan(float x) {
        return (float) Math.atan(x);
    }

    /** The error function rounded to float. */
    public static float erf(float x) {
        return (float) erfDouble(x);
    }

    /** {@code a^b} rounded to float. */
    public static float pow(float a, float b) {
        return (float) Math.pow(a, b);
    }

    private static double sigmoidDouble(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    private static double softplusDouble(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * The error function to about 1e-15 relative error: Maclaurin series for |x| < 2.5, the
     * continued fraction of erfc beyond (Lentz's method).
     */
    static double erfDouble(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = TWO_OVER_SQRT_PI * sum;
        } else if (ax < 6.0) {
            // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
            double tiny = 1e-300;
            double f = ax;
            double c = ax;
            double d = 0;
            for (int n = 1; n < 300; n++) {
                double an = n / 2.0;
                d = ax + an * d;
                d = Math.abs(d) < tiny ? tiny : d;
                c = ax + an / c;
                c = Math.abs(c) < tiny ? tiny : c;
                d = 1 / d;
                double delta = c * d;
                f *= delta;
                if (Math.abs(delta - 1) < 1e-16) {
                    break;
                }
            }
            r = 1.0 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
        } else {
            r = 1.0;
        }
        return Math.copySign(r, x);
    }
}
