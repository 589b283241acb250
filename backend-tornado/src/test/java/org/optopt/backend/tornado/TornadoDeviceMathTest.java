package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelMath;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * Every unary and binary op compiled alone for the device equals {@link KernelMath} bit for bit (NaN
 * equal to NaN) on special values and 60,000 others from tiny to huge, so that a failing op is named
 * by its own test. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoDeviceMathTest extends DeviceUnderTest {
    private static final float[] X = inputs(1);
    private static final float[] Y = inputs(2);
    static Stream<UnaryOp> unaryOps() {
        return Arrays.stream(UnaryOp.values());
    }

    static Stream<BinaryOp> binaryOps() {
        return Arrays.stream(BinaryOp.values());
    }

    @ParameterizedTest
    @MethodSource("unaryOps")
    void unaryOpEqualsKernelMath(UnaryOp op) {
        float[] out = run(Kernel.builder("u_" + op.name().toLowerCase(Locale.ROOT))
                .store("out", Expr.buffer("x").apply(op)).build());
        for (int i = 0; i < X.length; i++) {
            assertSame(KernelMath.apply(op, X[i]), out[i], op + "(" + X[i] + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("binaryOps")
    void binaryOpEqualsKernelMath(BinaryOp op) {
        float[] out = run(Kernel.builder("b_" + op.name().toLowerCase(Locale.ROOT))
                .store("out", new Expr.Binary(op, Expr.buffer("x"), Expr.buffer("y"))).build());
        for (int i = 0; i < X.length; i++) {
            assertSame(KernelMath.apply(op, X[i], Y[i]), out[i], op + "(" + X[i] + ", " + Y[i] + ")");
        }
    }

    private static float[] run(Kernel kernel) {
        Shape shape = Shape.vector(X.length);
        try (Tensor x = backend.fromArray(X, shape); Tensor y = backend.fromArray(Y, shape);
                Tensor out = backend.zeros(shape)) {
            KernelArgs args = new KernelArgs(kernel).buffer("x", x).buffer("out", out);
            if (kernel.bufferIndex("y") >= 0) {
                args.buffer("y", y);
            }
            backend.compile(kernel).run(args);
            return out.toArray();
        }
    }

    private static void assertSame(float expected, float actual, String what) {
        if (!(Float.isNaN(expected) && Float.isNaN(actual))) {
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                    () -> what + ": device " + actual + ", KernelMath " + expected);
        }
    }

    /** Special values, each against every special value of the other operand, then random floats of every scale. */
    private static float[] inputs(int operand) {
        float[] special = {0f, -0f, 1f, -1f, 0.5f, -2.5f, 3f, 7.98572f, 9.5f, -20f, 88.7f, -104f, Float.MIN_VALUE,
            -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        int pairs = special.length * special.length;
        float[] out = new float[pairs + 60_000];
        for (int i = 0; i < pairs; i++) {
            out[i] = special[operand == 1 ? i / special.length : i % special.length];
        }
        SplittableRandom random = new SplittableRandom(operand);
        for (int i = pairs; i < out.length; i++) {
            double magnitude = Math.pow(10, random.nextDouble(-8, 8));
            out[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
        }
        return out;
    }
}
