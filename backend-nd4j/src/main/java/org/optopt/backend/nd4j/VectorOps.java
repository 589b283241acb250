package org.optopt.backend.nd4j;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species of the loops that {@link VectorLoopEmitter} generates, and the sum of a double
 * vector's lanes. Floats are processed {@link #LANES} at a time, as many as the machine's preferred
 * double vector holds (4 with AVX2, 8 with AVX-512, 2 with NEON), so that each float vector widens
 * into one double vector.
 *
 * <p>Why half-width float vectors: a sum's float terms must be widened to double (the kernel
 * language sums in double), and a full-width float vector widens into two double vectors; C2
 * compiles the second half ({@code convertShape(F2D, species, 1)}) poorly (measured 1.09 ms against
 * 0.073 ms for the autocorrelation probe's five sums over 100,352 elements, AVX2), while the
 * elementwise float work of such loops is not what limits them.
 *
 * <p>The generated loops call the Vector API's own methods, which the JDK marks to be inlined
 * always, not helpers here: C2's heuristics may leave an ordinary helper as a call, and a vector
 * operation left as a call allocates its vectors. With helpers for load, broadcast and accumulate,
 * one of about eight {@code optopt bench probes} runs took 1.9 ms for the autocorrelation probe
 * fused into Adam (0.12-0.13 ms in the others, and in every run since the helpers went). The two
 * binary16 conversions ({@link #halfToFloat}, {@link #floatToHalf}) are the exception: a dozen or
 * two lane operations each, too long to emit inline at every float16 load and store.
 *
 * <p>Binary16 in lanes: JDK 25's Vector API has no binary16 conversion ({@code S2F} converts
 * values), so both are written with integer lane operations on the bits, bit-exact with
 * {@link Float#float16ToFloat} and {@link Float#floatToFloat16} on every input, NaNs included in the
 * form this JVM gives them ({@link #HALF_LANES}).
 */
final class VectorOps {
    /** Double lanes of the machine's preferred vector shape. */
    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes of half that shape: as many lanes as {@link #DOUBLES}. */
    static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    /** Elements per vector. */
    static final int LANES = DOUBLES.length();
    /** Int lanes of the float vectors' shape: binary16 bits widened, one per float lane. */
    static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    /** Short lanes, as many as {@link #LANES}: float16 buffers' elements; null where no shape holds so few. */
    static final VectorSpecies<Short> SHORTS = LANES * Short.SIZE < 64 ? null
            : VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * Short.SIZE));

    /**
     * Whether float16 buffers can take the vector loop: a short vector of {@link #LANES} lanes exists,
     * and this JVM's binary16 conversions give NaNs the form that {@link #halfToFloat} and
     * {@link #floatToHalf} compute, the one of x86's F16C instructions, which HotSpot uses there for
     * both methods (interpreted too): a NaN half {@code s|0x7c00|p} reads as
     * {@code s<<16|0x7fc00000|p<<13} (quiet bit set) and a NaN float stores as its sign,
     * {@code 0x7e00} and the top ten bits of its payload. The JDK's portable code keeps the quiet bit
     * clear and folds more payload bits in; there float16 buffers keep the scalar loop.
     */
    static final boolean HALF_LANES = SHORTS != null
            && Float.floatToRawIntBits(Float.float16ToFloat((short) 0x7c01)) == 0x7fc02000
            && Float.floatToRawIntBits(Float.float16ToFloat((short) 0xfd55)) == 0xffeaa000
            && Float.floatToFloat16(Float.intBitsToFloat(0x7f800001)) == (short) 0x7e00
            && Float.floatToFloat16(Float.intBitsToFloat(0xffa01234)) == (short) 0xff00;

    private static final float TWO_POW_112 = 0x1p112f;
    private static final float HALF_INFINITY = 0x1p16f;

    private VectorOps() {}

    /**
     * The float values of binary16 bits, one per lane in the low 16 bits of each int (sign-extended
     * or not), as {@link Float#float16ToFloat}. The sign goes to bit 31 and exponent and fraction to
     * bits 13-27 ({@code (h << 16) >> 3}, masked), and a multiplication by 2^112 re-biases the exponent
     * (15 to 127), exactly for normal and subnormal halves alike (the float has 8 more exponent bits).
     * An infinite or NaN half (exponent 31) lands on 2^16 or above: it takes the float exponent 255
     * instead, NaNs with the quiet bit set.
     */
    static FloatVector halfToFloat(IntVector half) {
        IntVector bits = half.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(0x8fffffff);
        FloatVector value = bits.reinterpretAsFloats().mul(TWO_POW_112);
        FloatVector magnitude = value.abs();
        IntVector special = bits.or(0x7f800000)
                .blend(bits.or(0x7fc00000), magnitude.compare(VectorOperators.GT, HALF_INFINITY).cast(INTS));
        return value.blend(special.reinterpretAsFloats(), magnitude.compare(VectorOperators.GE, HALF_INFINITY));
    }

    /**
     * Each lane of {@code value} rounded to binary16, as {@link Float#floatToFloat16} (to nearest, ties
     * to even): its bits in the low 16 bits of an int lane, upper bits zero. Magnitudes from 2^-14 (normal
     * halves) keep the float's top bits: adding {@code 0xfff} plus the kept part's last bit and shifting
     * out 13 bits rounds to nearest even (a carry moves into the exponent as it should), then the exponent
     * is re-biased and anything from 65520 up saturates to infinity. Smaller magnitudes become subnormal
     * halves, multiples of 2^-24: {@code |x| + 0.5f} rounds |x| to a multiple of 2^-24 (the float ulp in
     * [0.5, 1)) with ties to even, and the bits above 0.5's are the half's. NaN: see {@link #HALF_LANES}.
     */
    static IntVector floatToHalf(FloatVector value) {
        IntVector bits = value.reinterpretAsInts();
        IntVector magnitude = bits.and(0x7fffffff);
        IntVector kept = magnitude.lanewise(VectorOperators.LSHR, 13);
        IntVector normal = magnitude.add(kept.and(1)).add(0xfff).lanewise(VectorOperators.LSHR, 13)
                .sub((127 - 15) << 10).min(0x7c00);
        IntVector subnormal = value.abs().add(0.5f).reinterpretAsInts().sub(Float.floatToRawIntBits(0.5f));
        IntVector finite = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, 0x38800000));
        IntVector nan = kept.or(0x200).sub((0xff << 10) - 0x7c00);
        return finite.blend(nan, magnitude.compare(VectorOperators.GT, 0x7f800000))
                .or(bits.lanewise(VectorOperators.LSHR, 16).and(0x8000));
    }

    /**
     * The lanes of {@code sums} added in lane order, a fixed order (unlike {@code reduceLanes(ADD)},
     * whose order the Vector API leaves open), so that results do not depend on JIT compilation.
     * Called once per sum after a loop.
     */
    static double total(DoubleVector sums) {
        double total = 0;
        for (double lane : sums.toArray()) {
            total += lane;
        }
        return total;
    }
}
