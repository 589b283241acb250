package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorOps#halfToFloat} and {@link VectorOps#floatToHalf} bit for bit against the JDK's
 * {@link Float#float16ToFloat} and {@link Float#floatToFloat16}: every one of the 65,536 halves (read,
 * and stored back from its float), and floats around every rounding decision: each half's midpoint to
 * the next and its neighbours, the subnormal range and its boundary, the overflow threshold 65520,
 * infinities, NaNs with payloads, and millions of random bit patterns.
 */
class HalfLanesTest {
    private final int lanes = VectorOps.LANES;

    @BeforeEach
    void vectorApi() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "jdk.incubator.vector not resolved");
        assumeTrue(VectorOps.HALF_LANES, "no binary16 lanes on this JVM");
    }

    @Test
    void everyHalfReadsAsTheJdkReadsIt() {
        int[] halves = new int[lanes];
        for (int h = 0; h < 0x10000; h += lanes) {
            for (int l = 0; l < lanes; l++) {
                // sign-extended (a short widened) and zero-extended (a stored half) lanes alike
                halves[l] = l % 2 == 0 ? (short) (h + l) : h + l;
            }
            float[] read = VectorOps.halfToFloat(IntVector.fromArray(VectorOps.INTS, halves, 0)).toArray();
            for (int l = 0; l < lanes; l++) {
                int expected = Float.floatToRawIntBits(Float.float16ToFloat((short) (h + l)));
                assertEquals(expected, Float.floatToRawIntBits(read[l]), () -> "half " + Integer.toHexString(halves[0]));
            }
        }
    }

    @Test
    void roundingDecisionsStoreAsTheJdkStoresThem() {
        Floats floats = new Floats();
        for (int h = 0; h < 0x7c00; h++) {
            int below = Float.floatToRawIntBits(Float.float16ToFloat((short) h));
            int above = Float.floatToRawIntBits(Float.float16ToFloat((short) (h + 1)));
            int midpoint = Float.floatToRawIntBits((Float.intBitsToFloat(below) + Float.intBitsToFloat(above)) / 2);
            for (int d = -3; d <= 3; d++) {
                floats.both(midpoint + d);
                floats.both(below + d);
            }
        }
        for (int bits = 0; bits <= 0x38800000 + 0x100000; bits += 97) {
            floats.both(bits); // float zeros, subnormals and the subnormal halves' range
        }
        for (int bits = 0x477fe000 - 0x10000; bits <= 0x47800000 + 0x10000; bits++) {
            floats.both(bits); // around 65504, 65520 and 65536
        }
        for (int bits = 0x7f800000; bits >= 0; bits += 0x1003) {
            floats.both(bits); // infinity and NaNs with payloads over the whole range
        }
        floats.finish();
    }

    @Test
    void randomFloatsStoreAsTheJdkStoresThem() {
        SplittableRandom random = new SplittableRandom(18);
        Floats floats = new Floats();
        for (int n = 0; n < 4_000_000; n++) {
            floats.add(random.nextInt());
        }
        for (int n = 0; n < 2_000_000; n++) {
            // magnitudes of the halves' range, where the rounding happens
            floats.add(random.nextInt(0x33000000, 0x47800000) | (random.nextBoolean() ? 0x80000000 : 0));
        }
        floats.finish();
    }

    /** Floats checked a vector at a time. */
    private final class Floats {
        private final float[] pending = new float[lanes];
        private int count;

        void both(int bits) {
            add(bits);
            add(bits | 0x80000000);
        }

        void add(int bits) {
            pending[count++] = Float.intBitsToFloat(bits);
            if (count == lanes) {
                finish();
            }
        }

        void finish() {
            int[] stored = VectorOps.floatToHalf(FloatVector.fromArray(VectorOps.FLOATS, pending, 0)).toArray();
            for (int l = 0; l < count; l++) {
                int bits = Float.floatToRawIntBits(pending[l]);
                int expected = Float.floatToFloat16(pending[l]) & 0xffff;
                assertEquals(expected, stored[l], () -> "float bits " + Integer.toHexString(bits));
            }
            count = 0;
        }
    }
}
