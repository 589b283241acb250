package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.Reductions;

/**
 * A kernel with sums over float16 buffers compiled to the vector loop (where {@code jdk.incubator.vector}
 * is resolved, as in this build's tests) against the {@link KernelInterpreter} and the JDK's binary16
 * conversions: every one of the 65,536 halves read, and floats stored into a float16 buffer around every
 * rounding decision of binary16 (each midpoint between neighbouring halves and its float neighbours, the
 * subnormal range, the overflow threshold 65520, infinities, NaNs with payloads) bit for bit; over finite
 * halves, the sums within the rounding bound of any summation order.
 */
class Float16VectorLoopTest {
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /** Every half, then more than a block and a scalar tail. */
    private static final int N = 0x10000 + VectorLoopEmitter.HALF_BLOCK + 5;

    /** Reads float16 {@code h} and {@code k}, stores float16 {@code k} (after its read) and float {@code y}. */
    private static Kernel kernel() {
        return Kernel.builder("float16Sums")
                .float16("h", "k")
                .sum("hx", buffer("h").times(buffer("x")))
                .sum("k2", buffer("k").times(buffer("k")))
                .store("y", buffer("h").times(scalar("s")).plus(buffer("x")))
                .store("k", buffer("x").times(scalar("s")))
                .build();
    }

    @Test
    void takesTheVectorLoopWhereTheVectorApiIsResolved() {
        assertEquals(VECTOR_API, VectorLoopEmitter.supports(KernelPlan.of(kernel())));
    }

    @Test
    void everyHalfAndEveryRoundingDecisionMatchTheJdk() {
        SplittableRandom random = new SplittableRandom(18);
        short[] h = new short[N];
        short[] k = new short[N];
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            h[i] = (short) i;
            k[i] = (short) random.nextInt(0x10000);
            x[i] = roundingCase(i, random);
        }
        check(h, k, x, false);
    }

    @Test
    void sumsOverFiniteHalvesWithinTheRoundingBound() {
        SplittableRandom random = new SplittableRandom(19);
        short[] h = new short[N];
        short[] k = new short[N];
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            h[i] = Float.floatToFloat16((float) random.nextGaussian());
            k[i] = (short) (random.nextInt(0x7c00) | (random.nextBoolean() ? 0x8000 : 0));
            x[i] = (float) random.nextGaussian() * 100;
        }
        check(h, k, x, true);
    }

    /**
     * A float near a binary16 rounding decision: the midpoint between half {@code m} and the next (65520
     * past the largest finite half), or a float zero, subnormal or NaN; nudged by -2..2 float ulps, either sign.
     */
    private static float roundingCase(int i, SplittableRandom random) {
        int m = i % 0x7c00;
        float midpoint = m == 0x7bff ? 65520f
                : (Float.float16ToFloat((short) m) + Float.float16ToFloat((short) (m + 1))) / 2;
        int bits = switch (i % 97) {
            case 0 -> random.nextInt(0x00800000); // float zeros and subnormals
            case 1 -> 0x7f800000 | random.nextInt(0x00800000); // infinity and NaNs with payloads
            default -> Float.floatToRawIntBits(midpoint) + random.nextInt(-2, 3);
        };
        return Float.intBitsToFloat(bits | (random.nextBoolean() ? 0x80000000 : 0));
    }

    /**
     * Compiled against interpreted: the float16 stores bit for bit (and equal to the JDK's rounding of
     * {@code x}), the float store equal (bit for bit but for which NaN of two NaN operands), the sums equal
     * (NaN alike) or within the bound.
     */
    private static void check(short[] h, short[] k, float[] x, boolean finite) {
        Kernel kernel = kernel();
        KernelPlan plan = KernelPlan.of(kernel);
        float[] hf = floats(h);
        float[] kf = floats(k);
        float[] kRead = kf.clone();
        float[] xi = x.clone();
        float[] yi = new float[N];
        Reductions want = KernelInterpreter.run(kernel, Map.of("h", hf, "k", kf, "x", xi, "y", yi), Map.of("s", 1.0));
        Object[] buffers = new Object[kernel.buffers().size()];
        Map<String, Object> byName = Map.of("h", h.clone(), "k", k.clone(), "x", x.clone(), "y", new float[N]);
        for (int b = 0; b < buffers.length; b++) {
            buffers[b] = byName.get(kernel.buffers().get(b));
        }
        double[] sums = new double[kernel.reductions().size()];
        KernelCompiler.loop(plan).run(buffers, plan.evaluateUniforms(new double[] {1.0}), sums, 0, N);
        short[] kc = (short[]) byName.get("k");
        float[] yc = (float[]) byName.get("y");
        for (int i = 0; i < N; i++) {
            int at = i;
            assertEquals(Float.floatToFloat16(x[i]), kc[i], () -> "k[" + at + "] from x = " + Integer.toHexString(
                    Float.floatToRawIntBits(x[at])));
            assertEquals(Float.floatToFloat16(kf[i]), kc[i], () -> "k[" + at + "] against the interpreter");
            // a NaN's payload where both operands are NaNs depends on the operand order C2 picks
            assertEquals(Float.floatToIntBits(yi[i]), Float.floatToIntBits(yc[i]), () -> "y[" + at + "]");
        }
        for (int r = 0; r < sums.length; r++) {
            if (!finite) {
                assertEquals(want.get(r), sums[r], 0, kernel.reductions().get(r));
                continue;
            }
            double absolute = 0;
            for (int i = 0; i < N; i++) {
                absolute += Math.abs(r == 0 ? (double) (hf[i] * xi[i]) : (double) (kRead[i] * kRead[i]));
            }
            double bound = 2 * (N - 1) * 0x1p-53 / (1 - (N - 1) * 0x1p-53) * absolute;
            assertTrue(Math.abs(want.get(r) - sums[r]) <= bound, kernel.reductions().get(r) + ": " + sums[r]
                    + " against " + want.get(r) + ", bound " + bound);
        }
    }

    private static float[] floats(short[] halves) {
        float[] out = new float[halves.length];
        for (int i = 0; i < halves.length; i++) {
            out[i] = Float.float16ToFloat(halves[i]);
        }
        return out;
    }
}
