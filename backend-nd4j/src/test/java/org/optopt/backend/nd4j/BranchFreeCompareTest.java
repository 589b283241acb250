package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.KernelMath;

/** The branch-free comparisons against {@link KernelMath} on every pair of edge values and on random pairs. */
class BranchFreeCompareTest {

    private static List<Float> edgeValues() {
        float[] base = {0f, Float.MIN_VALUE, 2 * Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 0.5f, 1f, 3f, 1e30f,
            Float.MAX_VALUE, Float.POSITIVE_INFINITY, 0x1p-100f, 0x1p100f, 16777216f};
        List<Float> values = new ArrayList<>();
        for (float v : base) {
            for (float w : new float[] {v, -v, Math.nextUp(v), Math.nextDown(v)}) {
                values.add(w);
            }
        }
        values.add(Float.NaN);
        values.add(Float.intBitsToFloat(0x7fc00001));
        values.add(Float.intBitsToFloat(0xffc00000));
        return values;
    }

    private static float branchFree(BinaryOp op, float a, float b) {
        return switch (op) {
            case GT -> BranchFreeCompare.gt(a, b);
            case GE -> BranchFreeCompare.ge(a, b);
            case LT -> BranchFreeCompare.lt(a, b);
            case LE -> BranchFreeCompare.le(a, b);
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    private static void check(BinaryOp op, float a, float b) {
        float want = KernelMath.apply(op, a, b);
        float got = branchFree(op, a, b);
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), a + " " + op.symbol() + " " + b);
    }

    @Test
    void everyPairOfEdgeValuesComparesAsKernelMath() {
        List<Float> values = edgeValues();
        int checked = 0;
        for (BinaryOp op : BinaryOp.values()) {
            if (!op.isComparison()) {
                continue;
            }
            for (float a : values) {
                for (float b : values) {
                    check(op, a, b);
                    checked++;
                }
            }
        }
        assertEquals(4 * values.size() * values.size(), checked);
    }

    /**
     * The same through a generated loop called often enough to be JIT-compiled and vectorized:
     * vector float-to-int conversions must keep Java's NaN-to-0 and saturation rules.
     */
    @Test
    void compiledVectorizedComparisonsStayExact() {
        List<Float> values = edgeValues();
        int n = values.size() * values.size();
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = values.get(i / values.size());
            b[i] = values.get(i % values.size());
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE}) {
            float[] got = null;
            for (int call = 0; call < 3000; call++) {
                got = FusedPrimitives.zip(op, a, b);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(KernelMath.apply(op, a[i], b[i])), Float.floatToRawIntBits(got[i]),
                        a[i] + " " + op.symbol() + " " + b[i] + " after JIT compilation");
            }
        }
    }

    @Test
    void randomBitPatternsCompareAsKernelMath() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float a = Float.intBitsToFloat(random.nextInt());
            float b = random.nextInt(4) == 0 ? a : Float.intBitsToFloat(random.nextInt());
            for (BinaryOp op : new BinaryOp[] {BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE}) {
                check(op, a, b);
            }
        }
    }
}
