package org.optopt.backend.nd4j;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API operations that the vector loops of {@link VectorLoopEmitter} call besides
 * {@link FloatVector}'s own lanewise methods: loads, broadcasts and double-precision sums. Floats
 * are processed {@link #LANES} at a time, as many as the machine's preferred double vector holds
 * (4 with AVX2, 8 with AVX-512, 2 with NEON), so that each float vector converts to one double vector.
 *
 * <p>Why half-width float vectors: a sum's float terms must be widened to double (the kernel
 * language sums in double), and a full-width float vector widens into two double vectors; C2
 * compiles the second half ({@code convertShape(F2D, species, 1)}) poorly (measured 1.09 ms against
 * 0.073 ms for the autocorrelation probe's five sums over 100,352 elements, AVX2), while the
 * elementwise float work of such loops is not what limits them.
 */
final class VectorOps {
    /** Double lanes of the machine's preferred vector shape. */
    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes of half that shape: as many lanes as {@link #DOUBLES}. */
    static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    /** Elements per vector. */
    static final int LANES = DOUBLES.length();

    private VectorOps() {}

    /** {@code a[i .. i + LANES)}. */
    static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(FLOATS, a, i);
    }

    /** {@code x} in every lane. */
    static FloatVector broadcast(float x) {
        return FloatVector.broadcast(FLOATS, x);
    }

    /** Zero in every double lane. */
    static DoubleVector zero() {
        return DoubleVector.zero(DOUBLES);
    }

    /** {@code sums + (double) terms}, lane by lane (exact widening, one rounding per lane). */
    static DoubleVector accumulate(DoubleVector sums, FloatVector terms) {
        return sums.add(terms.convertShape(VectorOperators.F2D, DOUBLES, 0));
    }

    /**
     * The lanes of {@code sums} added in lane order, a fixed order (unlike {@code reduceLanes(ADD)},
     * whose order the Vector API leaves open), so that results do not depend on JIT compilation.
     */
    static double total(DoubleVector sums) {
        double total = 0;
        for (double lane : sums.toArray()) {
            total += lane;
        }
        return total;
    }
}
